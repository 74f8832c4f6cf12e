//! Tracing setup: human-readable or JSON lines on stderr, filtered by `RUST_LOG` (default `info`); or, for long
//! runs whose progress is their standard output (the demo), every line in a log file and only warnings and errors on
//! stderr.

use std::{fs::File, io, path::Path, sync::Mutex};

use tracing_subscriber::{
    filter::LevelFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer,
};

/// Log format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

/// Installs the global subscriber (logs go to stderr; stdout is for command output). Safe to call twice.
pub fn init(format: LogFormat) {
    let builder = fmt().with_env_filter(filter()).with_writer(io::stderr);
    let _ = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Installs the global subscriber with every line (as `RUST_LOG` filters, default `info`) in `path`, created or
/// truncated, and only warnings and errors on stderr. Fails if the file cannot be created (naming it).
pub fn init_with_file(format: LogFormat, path: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            io::Error::new(e.kind(), format!("log directory {}: {e}", dir.display()))
        })?;
    }
    let file = File::create(path)
        .map_err(|e| io::Error::new(e.kind(), format!("log file {}: {e}", path.display())))?;
    let to_file = fmt::layer().with_ansi(false).with_writer(Mutex::new(file));
    let to_file = match format {
        LogFormat::Human => to_file.with_filter(filter()).boxed(),
        LogFormat::Json => to_file.json().with_filter(filter()).boxed(),
    };
    let to_stderr = fmt::layer()
        .with_writer(io::stderr)
        .with_filter(LevelFilter::WARN);
    let _ = tracing_subscriber::registry()
        .with(to_file)
        .with(to_stderr)
        .try_init();
    Ok(())
}

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}
