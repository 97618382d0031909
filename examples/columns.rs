//! Prints the README's column tables: `cargo run --example columns`.

fn main() {
    print!("{}", conversation_export::export::docs::columns_markdown());
}
