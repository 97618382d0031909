//! An output buffer that grows by whole chunks instead of reallocating.
//!
//! A `Vec<u8>` that doubles while a 50 MB CSV is written briefly holds the old and the new
//! allocation: up to three times the file. Chunks are never copied on the host. In the browser
//! each full chunk moves out of WebAssembly memory into a `Blob` at once, the one buffer being
//! reused: WebAssembly memory never shrinks, so a 50 MB file written there would keep the tab
//! 50 MB larger for good, and a `Blob` lives in the browser's own storage, outside the
//! JavaScript heap too. The downloaded file is a `Blob` made of these, never joined in memory.

use std::io;

/// 4 MiB: in the browser each full chunk costs a `Blob`, and a `Blob` costs about 5 ms whatever
/// its size up to a few MiB (measured in Chromium: 16 MB as 1 MiB Blobs 75-113 ms, as 4 MiB
/// Blobs 42-46 ms). The chunk being filled grows as a vector does, so a small file stays small.
pub const CHUNK: usize = 4 << 20;

/// Where the first chunk starts growing from.
const FIRST_CAPACITY: usize = 8 << 10;

/// A full chunk: in memory on the host, a `Blob` in the browser.
#[cfg(not(target_arch = "wasm32"))]
type FullChunk = Vec<u8>;
#[cfg(target_arch = "wasm32")]
type FullChunk = web_sys::Blob;

#[derive(Clone, Default)]
pub struct Chunks {
    full: Vec<FullChunk>,
    /// The chunk being filled.
    current: Vec<u8>,
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

    /// Calls `visit` with the content, chunk by chunk, in order. Host only: in the browser the
    /// full chunks are `Blob`s, which read back only asynchronously.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn for_each_part(&self, mut visit: impl FnMut(&[u8])) {
        for chunk in &self.full {
            visit(chunk);
        }
        if !self.current.is_empty() {
            visit(&self.current);
        }
    }

    /// The content in one piece (a copy).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn to_vec(&self) -> Vec<u8> {
        let mut all = Vec::with_capacity(self.len);
        self.for_each_part(|part| all.extend_from_slice(part));
        all
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn starts_with(&self, prefix: &[u8]) -> bool {
        let mut start = Vec::with_capacity(prefix.len());
        self.for_each_part(|part| {
            let take = (prefix.len() - start.len()).min(part.len());
            start.extend_from_slice(&part[..take]);
        });
        start == prefix
    }

    /// The parts of a `Blob` holding the content, without joining them.
    #[cfg(target_arch = "wasm32")]
    pub fn blob_parts(&self) -> js_sys::Array {
        let parts: js_sys::Array = self.full.iter().collect();
        if !self.current.is_empty() {
            parts.push(&js_sys::Uint8Array::from(self.current.as_slice()));
        }
        parts
    }

    /// Moves the full current chunk to the list of full ones.
    fn seal(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        self.full.push(std::mem::replace(
            &mut self.current,
            Vec::with_capacity(CHUNK),
        ));
        #[cfg(target_arch = "wasm32")]
        {
            // SAFETY: the view is read by the Blob constructor before anything can allocate in
            // WebAssembly memory (which could move it). Copying the chunk straight from
            // WebAssembly memory into the Blob leaves no JavaScript copy behind for the
            // garbage collector.
            let view = unsafe { js_sys::Uint8Array::view(&self.current) };
            let blob = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&view))
                .expect("a Blob is made of any bytes");
            self.full.push(blob);
            self.current.clear();
        }
    }
}

impl std::fmt::Debug for Chunks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Chunks({} bytes)", self.len)
    }
}

impl From<Vec<u8>> for Chunks {
    fn from(bytes: Vec<u8>) -> Self {
        Chunks {
            full: Vec::new(),
            len: bytes.len(),
            current: bytes,
        }
    }
}

impl io::Write for Chunks {
    fn write(&mut self, mut data: &[u8]) -> io::Result<usize> {
        let written = data.len();
        while !data.is_empty() {
            if self.current.len() >= CHUNK {
                self.seal();
            }
            let take = (CHUNK - self.current.len()).min(data.len());
            let needed = self.current.len() + take;
            if needed > self.current.capacity() {
                // Doubling, but never past a chunk: a full chunk is never reallocated.
                let capacity = (2 * self.current.capacity())
                    .max(needed)
                    .clamp(FIRST_CAPACITY, CHUNK);
                self.current.reserve_exact(capacity - self.current.len());
            }
            self.current.extend_from_slice(&data[..take]);
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
        let mut sizes = Vec::new();
        chunks.for_each_part(|part| sizes.push(part.len()));
        assert_eq!(sizes, vec![CHUNK, CHUNK, 12345]);
        assert_eq!(chunks.to_vec(), data);
        assert!(chunks.starts_with(&data[..10]));
        assert!(!chunks.starts_with(b"nope"));
        assert!(!chunks.starts_with(&[data.as_slice(), b"more"].concat()));
    }

    #[test]
    fn a_small_file_takes_little_more_than_its_size() {
        let mut chunks = Chunks::new();
        chunks.write_all(&[b'x'; 100]).unwrap();
        assert_eq!(chunks.current.capacity(), FIRST_CAPACITY);
        chunks.write_all(&[b'x'; 10_000]).unwrap();
        assert_eq!(chunks.current.capacity(), 2 * FIRST_CAPACITY);
        assert_eq!(chunks.len(), 10_100);
    }

    #[test]
    fn a_vector_given_whole_is_written_after() {
        let mut chunks = Chunks::from(b"head ".to_vec());
        chunks.write_all(b"tail").unwrap();
        assert_eq!(chunks.to_vec(), b"head tail");
        assert_eq!(chunks.len(), 9);
    }
}
