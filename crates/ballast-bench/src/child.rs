//! Runs the `ballast` binary as a child process: its wall time, its stdout, and its peak resident set size, read
//! from `VmHWM` in `/proc/<pid>/status` every few milliseconds while it runs (`VmHWM` is the kernel's own
//! high-water mark, so a sample taken late in the run already includes every earlier peak; only growth in the last
//! interval before exit can be missed).

use std::{
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use eyre::{Result, WrapErr};
use tokio::{io::AsyncReadExt, process::Command};
use tracing::debug;

/// How often `VmHWM` is sampled.
pub(crate) const POLL: Duration = Duration::from_millis(5);

/// One finished child.
#[derive(Debug)]
pub(crate) struct ChildRun {
    /// From spawn to exit.
    pub(crate) wall: Duration,
    /// The largest `VmHWM` read, KiB (0 if none could be read).
    pub(crate) peak_rss_kib: u64,
    /// How many samples were read.
    pub(crate) samples: u64,
    /// Whether it exited with status 0.
    pub(crate) success: bool,
    /// What it printed on stdout.
    pub(crate) stdout: String,
}

/// `VmHWM` in KiB from the text of `/proc/<pid>/status`.
pub(crate) fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let mut parts = line["VmHWM:".len()..].split_whitespace();
    let value = parts.next()?.parse::<u64>().ok()?;
    match parts.next() {
        Some("kB") | None => Some(value),
        Some(_) => None,
    }
}

fn sample(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_hwm(&text)
}

/// Runs `bin args…`, stderr to `log`, sampling its peak RSS until it exits.
pub(crate) async fn run(bin: &Path, args: &[String], log: &Path) -> Result<ChildRun> {
    let stderr =
        std::fs::File::create(log).wrap_err_with(|| format!("creating {}", log.display()))?;
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .env_remove("BALLAST_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .kill_on_drop(true)
        .spawn()
        .wrap_err_with(|| format!("starting {}", bin.display()))?;
    let pid = child.id();
    let mut out = child
        .stdout
        .take()
        .ok_or_else(|| eyre::eyre!("no stdout pipe"))?;
    let reader = tokio::spawn(async move {
        let mut s = String::new();
        out.read_to_string(&mut s).await.map(|_| s)
    });
    let mut peak = 0;
    let mut samples = 0;
    let status = loop {
        if let Some(kib) = pid.and_then(sample) {
            peak = peak.max(kib);
            samples += 1;
        }
        tokio::select! {
            s = child.wait() => break s.wrap_err("waiting for the keeper")?,
            _ = tokio::time::sleep(POLL) => {}
        }
    };
    let wall = started.elapsed();
    let stdout = reader
        .await
        .wrap_err("stdout reader")?
        .wrap_err("reading the keeper's stdout")?;
    debug!(?args, ?wall, peak_rss_kib = peak, samples, "child finished");
    Ok(ChildRun {
        wall,
        peak_rss_kib: peak,
        samples,
        success: status.success(),
        stdout,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_hwm() {
        let status =
            "Name:\tballast\nVmPeak:\t  123456 kB\nVmHWM:\t   23456 kB\nVmRSS:\t   20000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(23_456));
        assert_eq!(parse_vm_hwm("Name:\tzombie\nState:\tZ (zombie)\n"), None);
        assert_eq!(parse_vm_hwm("VmHWM:\t 12 MB\n"), None);
        assert_eq!(parse_vm_hwm("VmHWM:\t x kB\n"), None);
    }

    #[test]
    fn own_process_has_a_high_water_mark() {
        let own = std::fs::read_to_string("/proc/self/status").ok();
        if let Some(text) = own {
            assert!(parse_vm_hwm(&text).is_some_and(|k| k > 0));
        }
    }
}
