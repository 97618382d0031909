//! The README documents what the code does: its column tables are the code's own.

#[test]
fn readme_column_tables_match_the_code() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("<!-- columns:start -->")
        .expect("the README marks where the column tables go")
        + "<!-- columns:start -->".len();
    let end = readme
        .find("<!-- columns:end -->")
        .expect("and where they end");
    let documented = readme[start..end].trim();
    let generated = conversation_export::export::docs::columns_markdown();
    assert_eq!(
        documented,
        generated.trim(),
        "run `cargo run --example columns` and paste its output between the markers"
    );
}

#[test]
fn readme_opens_with_the_two_commands() {
    let readme = include_str!("../README.md");
    let head: String = readme.lines().take(8).collect::<Vec<_>>().join("\n");
    assert!(
        head.contains("./scripts/serve.sh") && head.contains("./scripts/test.sh"),
        "{head}"
    );
    let ci = include_str!("../.ci/run");
    assert!(
        ci.contains("scripts/test.sh"),
        ".ci/run runs the README's test command"
    );
}
