//! A record of the audit chain's head kept outside the database. Anyone who can write the
//! database could delete the newest events and rewind the chain's head consistently; they
//! cannot also rewind a file on another disk, or the process log. Every committed head is
//! appended here as `ID HASH` (and logged), and `verify` checks the database against the
//! highest one: an anchored event that is missing or different is reported.

use std::{
    fs::{self, OpenOptions},
    io::{self, Write},
    path::{Path, PathBuf},
    sync::Mutex,
};

/// Once the file is larger than this, it is rewritten to its highest entry (the chain
/// links every earlier event to it, so nothing is lost).
const COMPACT_AT: u64 = 1024 * 1024;

#[derive(Debug)]
pub struct AuditAnchor {
    path: PathBuf,
    /// Appends and compactions from this process, one at a time.
    lock: Mutex<()>,
}

impl AuditAnchor {
    /// The anchor file at `path`, created (with its directory) if missing. Fails if it
    /// cannot be written, so a misconfigured anchor is found at start, not at the first
    /// event.
    pub fn open(path: &Path) -> io::Result<AuditAnchor> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditAnchor {
            path: path.to_path_buf(),
            lock: Mutex::new(()),
        })
    }

    /// Records a committed head. A failure to write is logged, never fatal: the event is
    /// committed already, and the process log carries the head too.
    pub fn record(&self, id: i64, hash: &str) {
        tracing::info!(target: "nixdeck::audit_anchor", id, hash, "audit chain head");
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Err(error) = self.append(id, hash) {
            tracing::error!(%error, path = %self.path.display(), "cannot write the audit anchor");
        }
    }

    fn append(&self, id: i64, hash: &str) -> io::Result<()> {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(format!("{id} {hash}\n").as_bytes())?;
        if file.metadata()?.len() > COMPACT_AT {
            drop(file);
            self.compact()?;
        }
        Ok(())
    }

    fn compact(&self) -> io::Result<()> {
        let Some((id, hash)) = read_highest(&self.path)? else {
            return Ok(());
        };
        let temporary = self.path.with_extension("compacting");
        fs::write(&temporary, format!("{id} {hash}\n"))?;
        fs::rename(&temporary, &self.path)
    }
}

/// The highest `(id, hash)` in an anchor file; `None` if it has none (or does not exist).
/// Lines that do not read as an entry (a torn last line after a crash) are skipped.
pub fn read_highest(path: &Path) -> io::Result<Option<(i64, String)>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    Ok(text
        .lines()
        .filter_map(|line| {
            let (id, hash) = line.trim().split_once(' ')?;
            let id = id.parse::<i64>().ok()?;
            (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| (id, hash.to_owned()))
        })
        .max_by_key(|(id, _)| *id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_entry_wins_and_torn_lines_are_skipped() {
        let dir = std::env::temp_dir().join(format!("anchor-test-{}", std::process::id()));
        let path = dir.join("anchor");
        let anchor = AuditAnchor::open(&path).expect("open");
        let hash = |c: char| c.to_string().repeat(64);
        anchor.record(2, &hash('b'));
        anchor.record(1, &hash('a'));
        fs::write(&path, fs::read_to_string(&path).expect("read") + "3 cccc").expect("torn line");
        assert_eq!(read_highest(&path).expect("read"), Some((2, hash('b'))));
        anchor.compact().expect("compact");
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            format!("2 {}\n", hash('b'))
        );
        assert_eq!(read_highest(&dir.join("missing")).expect("read"), None);
        let _ = fs::remove_dir_all(dir);
    }
}
