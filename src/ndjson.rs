//! Splitting a streamed body into lines, whatever the chunk boundaries.
//!
//! A chunk may end anywhere: inside a line, between `\r` and `\n`, or inside a multi-byte UTF-8
//! character. Lines are cut on the `\n` byte (which never occurs inside a UTF-8 sequence), so a
//! line is only decoded once it is complete.

#[derive(Debug, Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
}

impl LineSplitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a chunk and calls `line` for each line it completes (without its `\n` or `\r\n`).
    pub fn push<E>(
        &mut self,
        chunk: &[u8],
        mut line: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            if self.pending.is_empty() {
                line(trim_cr(&rest[..end]))?;
            } else {
                self.pending.extend_from_slice(&rest[..end]);
                let complete = std::mem::take(&mut self.pending);
                line(trim_cr(&complete))?;
            }
            rest = &rest[end + 1..];
        }
        self.pending.extend_from_slice(rest);
        Ok(())
    }

    /// The last line, when the body does not end with a newline.
    pub fn finish(self) -> Option<Vec<u8>> {
        let mut last = self.pending;
        if last.last() == Some(&b'\r') {
            last.pop();
        }
        (!last.is_empty()).then_some(last)
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<String> {
        let mut splitter = LineSplitter::new();
        let mut lines = Vec::new();
        for chunk in chunks {
            splitter
                .push::<()>(chunk, |line| {
                    lines.push(String::from_utf8(line.to_vec()).unwrap());
                    Ok(())
                })
                .unwrap();
        }
        if let Some(last) = splitter.finish() {
            lines.push(String::from_utf8(last).unwrap());
        }
        lines
    }

    #[test]
    fn lines_across_chunks() {
        assert_eq!(split(&[b"a\nb", b"c\r", b"\nd"]), vec!["a", "bc", "d"]);
        assert_eq!(split(&[b"a\n", b"\n", b"b\n"]), vec!["a", "", "b"]);
        assert!(split(&[b""]).is_empty());
    }

    #[test]
    fn a_character_split_between_chunks() {
        let text = "crème 😀\nsuite".as_bytes();
        for cut in 0..text.len() {
            assert_eq!(
                split(&[&text[..cut], &text[cut..]]),
                vec!["crème 😀", "suite"],
                "cut at {cut}"
            );
        }
    }
}
