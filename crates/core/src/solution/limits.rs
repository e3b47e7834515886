//! Limits on what a package may hold. Sizes are counted on the bytes actually read, never
//! taken from headers a hostile file can fake.

use std::io::Read;

use super::SolutionError;

const MIB: u64 = 1024 * 1024;

/// How much a package may hold before reading stops with [`SolutionError::TooLarge`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadLimits {
    pub max_entries: usize,
    /// Uncompressed bytes of any one entry.
    pub max_entry_bytes: u64,
    /// Uncompressed bytes of all entries together.
    pub max_total_bytes: u64,
    /// Uncompressed bytes per compressed byte of one entry.
    pub max_compression_ratio: u64,
    /// An entry may exceed the ratio until it has inflated this far: small, very repetitive
    /// files (an empty XML template) legitimately compress better than any bomb threshold.
    pub ratio_grace_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_entries: 10_000,
            max_entry_bytes: 64 * MIB,
            max_total_bytes: 256 * MIB,
            max_compression_ratio: 100,
            ratio_grace_bytes: MIB,
        }
    }
}

/// Counts bytes across the entries of one package.
pub(crate) struct ReadBudget<'a> {
    limits: &'a ReadLimits,
    entries: usize,
    total: u64,
}

impl<'a> ReadBudget<'a> {
    pub(crate) fn new(limits: &'a ReadLimits) -> Self {
        ReadBudget { limits, entries: 0, total: 0 }
    }

    pub(crate) fn check_entry_count(&self, count: usize) -> Result<(), SolutionError> {
        if count > self.limits.max_entries {
            return Err(SolutionError::TooLarge {
                what: format!("the package holds {count} entries"),
                limit: format!("{} entries", self.limits.max_entries),
            });
        }
        Ok(())
    }

    /// Reads one entry to its end, stopping as soon as a limit is passed.
    /// `compressed_size` is `None` for files read from a folder (no ratio to check).
    pub(crate) fn read_entry(
        &mut self,
        path: &str,
        reader: &mut impl Read,
        compressed_size: Option<u64>,
        size_hint: u64,
    ) -> Result<Vec<u8>, SolutionError> {
        self.entries += 1;
        self.check_entry_count(self.entries)?;
        let limits = self.limits;
        // The hint comes from a header: cap it so a lying header cannot reserve memory.
        let mut bytes = Vec::with_capacity(size_hint.min(MIB) as usize);
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let read = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(SolutionError::zip(Some(path), e)),
            };
            bytes.extend_from_slice(&chunk[..read]);
            let inflated = bytes.len() as u64;
            self.total += read as u64;
            if inflated > limits.max_entry_bytes {
                return Err(SolutionError::TooLarge {
                    what: format!("entry \"{path}\" inflates to more than {}", mebibytes(limits.max_entry_bytes)),
                    limit: format!("{} per entry", mebibytes(limits.max_entry_bytes)),
                });
            }
            if self.total > limits.max_total_bytes {
                return Err(SolutionError::TooLarge {
                    what: format!("the entries up to \"{path}\" inflate to more than {}", mebibytes(limits.max_total_bytes)),
                    limit: format!("{} for all entries", mebibytes(limits.max_total_bytes)),
                });
            }
            if let Some(compressed) = compressed_size {
                if inflated > limits.ratio_grace_bytes && inflated / compressed.max(1) > limits.max_compression_ratio {
                    return Err(SolutionError::TooLarge {
                        what: format!(
                            "entry \"{path}\" inflates to more than {} times its {compressed} compressed bytes, like a zip bomb",
                            limits.max_compression_ratio
                        ),
                        limit: format!("{}:1 compression", limits.max_compression_ratio),
                    });
                }
            }
        }
        bytes.shrink_to_fit();
        Ok(bytes)
    }
}

fn mebibytes(bytes: u64) -> String {
    if bytes.checked_rem(MIB) == Some(0) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}
