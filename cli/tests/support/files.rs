//! Comparing folders of exported files: names and bytes; a zip by its entries, its manifest
//! without the time it was written.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Every file in `dir` (not the hidden ones), by name.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| !path.file_name().unwrap().to_str().unwrap().starts_with('.'))
        .map(|path| {
            (
                path.file_name().unwrap().to_str().unwrap().to_string(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect()
}

/// A zip's entries; the manifest without its `exported_at`.
pub fn entries(zip: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            if name == "manifest.json" {
                let mut manifest: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                manifest.as_object_mut().unwrap().remove("exported_at");
                bytes = manifest.to_string().into_bytes();
            }
            (name, bytes)
        })
        .collect()
}

pub fn assert_same_files(
    got: &BTreeMap<String, Vec<u8>>,
    expected: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{what}: file names"
    );
    for (name, bytes) in got {
        if name.ends_with(".zip") {
            let (got, expected) = (entries(bytes), entries(&expected[name]));
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                expected.keys().collect::<Vec<_>>(),
                "{what}: {name}"
            );
            for (entry, bytes) in &got {
                assert!(bytes == &expected[entry], "{what}: {name}/{entry} differs");
            }
        } else {
            assert!(
                bytes == &expected[name],
                "{what}: {name} differs from the app's"
            );
        }
    }
}
