//! An output buffer that grows by whole chunks instead of reallocating.
//!
//! A `Vec<u8>` that doubles while a 50 MB CSV is written briefly holds the old and the new
//! allocation: up to three times the file. Chunks are never copied: the buffer costs the file's
//! size plus at most one partly filled chunk, and the browser builds its `Blob` from the chunks
//! as they are.

use std::io;

/// 1 MiB: large enough that the chunk list stays short, small enough to waste little.
const CHUNK: usize = 1 << 20;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Chunks {
    chunks: Vec<Vec<u8>>,
    len: usize,
}

impl Chunks {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The content, chunk by chunk, in order.
    pub fn parts(&self) -> impl Iterator<Item = &[u8]> {
        self.chunks.iter().map(Vec::as_slice)
    }

    /// The content in one piece (a copy when there is more than one chunk).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut all = Vec::with_capacity(self.len);
        for part in self.parts() {
            all.extend_from_slice(part);
        }
        all
    }

    pub fn starts_with(&self, prefix: &[u8]) -> bool {
        self.to_prefix(prefix.len()) == prefix
    }

    fn to_prefix(&self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n);
        for part in self.parts() {
            let take = (n - out.len()).min(part.len());
            out.extend_from_slice(&part[..take]);
            if out.len() == n {
                break;
            }
        }
        out
    }
}

impl From<Vec<u8>> for Chunks {
    fn from(bytes: Vec<u8>) -> Self {
        let len = bytes.len();
        Chunks {
            chunks: if bytes.is_empty() {
                Vec::new()
            } else {
                vec![bytes]
            },
            len,
        }
    }
}

impl io::Write for Chunks {
    fn write(&mut self, mut data: &[u8]) -> io::Result<usize> {
        let written = data.len();
        while !data.is_empty() {
            let last = match self.chunks.last_mut() {
                Some(last) if last.len() < last.capacity() => last,
                _ => {
                    self.chunks
                        .push(Vec::with_capacity(CHUNK.max(data.len().min(CHUNK))));
                    self.chunks.last_mut().expect("just pushed")
                }
            };
            let room = last.capacity() - last.len();
            let take = room.min(data.len());
            last.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        self.len += written;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn writes_across_chunks_without_losing_a_byte() {
        let mut chunks = Chunks::new();
        let data: Vec<u8> = (0..(CHUNK * 2 + 12345)).map(|i| (i % 251) as u8).collect();
        for piece in data.chunks(777) {
            chunks.write_all(piece).unwrap();
        }
        assert_eq!(chunks.len(), data.len());
        assert_eq!(chunks.parts().count(), 3);
        assert!(chunks.parts().all(|part| part.len() <= CHUNK));
        assert_eq!(chunks.to_vec(), data);
        assert!(chunks.starts_with(&data[..10]));
        assert!(!chunks.starts_with(b"nope"));
    }
}
