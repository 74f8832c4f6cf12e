//! A CSV history: one row per asset and day.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;

use crate::model::check_number;
use crate::{AssetMeta, Day, Error, History, Observation, Result};

const COLUMNS: [&str; 5] = ["date", "id", "price", "market_cap", "volume"];

/// Reads a CSV history from a file. See [`read_history_csv`].
pub fn load_history_csv(path: impl AsRef<Path>) -> Result<History> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_history_csv(file, &path.display().to_string())
}

/// Reads a CSV history with the header `date,id,price,market_cap,volume` (any column order, extra columns
/// ignored): `date` is `YYYY-MM-DD`, `id` the asset id, `price` a positive USD price, `market_cap` and `volume`
/// non-negative USD amounts. Errors name `file`, the line and the field; a duplicate (date, id) pair is an error.
///
/// Assets get bare metadata (symbol = id, no flags, no token); apply a metadata file with
/// [`History::apply_metadata`]. Asset columns are sorted by id, days ascending.
pub fn read_history_csv<R: Read>(reader: R, file: &str) -> Result<History> {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(reader);
    let headers = csv.headers().map_err(|e| csv_error(file, &e))?.clone();
    let mut index = [0usize; 5];
    for (slot, name) in index.iter_mut().zip(COLUMNS) {
        *slot = headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| Error::malformed(file, 1, name, "missing column in the header"))?;
    }
    let mut cells: BTreeMap<(Day, String), (Observation, u64)> = BTreeMap::new();
    for record in csv.records() {
        let record = record.map_err(|e| csv_error(file, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |k: usize| -> Result<&str> {
            let value = record.get(index[k]).unwrap_or("");
            if value.is_empty() {
                return Err(Error::malformed(file, line, COLUMNS[k], "empty"));
            }
            Ok(value)
        };
        let day: Day = field(0)?
            .parse()
            .map_err(|e: Error| Error::malformed(file, line, "date", e.to_string()))?;
        let id = field(1)?.to_owned();
        let number = |k: usize| -> Result<f64> {
            let text = field(k)?;
            let value: f64 = text.parse().map_err(|_| {
                Error::malformed(file, line, COLUMNS[k], format!("`{text}` is not a number"))
            })?;
            check_number(COLUMNS[k], value, k == 2)
                .map_err(|(_, reason)| Error::malformed(file, line, COLUMNS[k], reason))?;
            Ok(value)
        };
        let obs = Observation {
            price_usd: number(2)?,
            market_cap_usd: number(3)?,
            volume_24h_usd: number(4)?,
        };
        if let Some((_, first)) = cells.get(&(day, id.clone())) {
            let reason = format!("duplicate row for `{id}` on {day} (first at line {first})");
            return Err(Error::malformed(file, line, "id", reason));
        }
        cells.insert((day, id), (obs, line));
    }
    let days: Vec<Day> = cells
        .keys()
        .map(|(d, _)| *d)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let ids: Vec<String> = cells
        .keys()
        .map(|(_, id)| id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let column: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut rows = vec![vec![None; ids.len()]; days.len()];
    let mut t = 0;
    for ((day, id), (obs, _)) in &cells {
        while days[t] != *day {
            t += 1;
        }
        rows[t][column[id.as_str()]] = Some(*obs);
    }
    let assets = ids.iter().map(|id| AssetMeta::bare(id)).collect();
    History::new(days, assets, rows)
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, csv::Position::line);
    let reason = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields where the header has {expected_len}")
        }
        _ => e.to_string(),
    };
    Error::malformed(file, line, "<record>", reason)
}
