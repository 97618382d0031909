//! Cut anywhere, an NDJSON body gives the same lines, and reading them never panics.
#![no_main]

use conversation_export::ndjson::LineSplitter;
use conversation_export::vendors::paging::read_line;
use conversation_export::vendors::VendorId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, body)) = data.split_first() else {
        return;
    };
    let whole = lines(&[body]);
    let at = (cut as usize).min(body.len());
    assert_eq!(
        lines(&[&body[..at], &body[at..]]),
        whole,
        "a cut at {at} changes the lines"
    );
    let list = &VendorId::Mindo.spec().list;
    for line in whole {
        let _ = read_line(list, &String::from_utf8_lossy(&line));
    }
});

fn lines(chunks: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut splitter = LineSplitter::new();
    let mut out = Vec::new();
    for chunk in chunks {
        splitter
            .push::<()>(chunk, |line| {
                out.push(line.to_vec());
                Ok(())
            })
            .unwrap();
    }
    out.extend(splitter.finish());
    out
}
