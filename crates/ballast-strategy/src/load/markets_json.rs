//! CoinGecko `coins/markets` JSON, and the metadata overlay (flags and chain addresses) it lacks.

use std::path::Path;

use serde_json::{Map, Value};

use super::read_text;
use crate::model::check_number;
use crate::{Asset, AssetMeta, Error, Result};

/// Reads a CoinGecko-style `coins/markets` JSON array from a file. See [`parse_markets_json`].
pub fn load_markets_json(path: impl AsRef<Path>) -> Result<Vec<Asset>> {
    let path = path.as_ref();
    parse_markets_json(&read_text(path)?, &path.display().to_string())
}

/// Parses a CoinGecko-style `coins/markets` JSON array, reporting errors against `file`.
///
/// Each element needs `id` and `symbol` (non-empty strings), `current_price` (positive number), `market_cap` and
/// `total_volume` (non-negative numbers); other fields are ignored. A `null` or missing required field is an error
/// (CoinGecko writes `null` for unknown numbers; such coins must be removed deliberately, not skipped silently).
/// The optional Ballast fields `stablecoin`, `derivative_of` and `token` (`{"address", "decimals"}`) are read when
/// present; otherwise apply a metadata file with [`apply_metadata`](crate::apply_metadata).
pub fn parse_markets_json(text: &str, file: &str) -> Result<Vec<Asset>> {
    parse_array(text, file, |obj, element, line| {
        asset_from_object(obj, element, file, line)
    })
}

/// Reads a metadata overlay file: a JSON array of [`AssetMeta`] (`id`, `symbol`, optional `stablecoin`,
/// `derivative_of`, `token`).
pub fn load_metadata_json(path: impl AsRef<Path>) -> Result<Vec<AssetMeta>> {
    let path = path.as_ref();
    parse_metadata_json(&read_text(path)?, &path.display().to_string())
}

/// Parses a metadata overlay (see [`load_metadata_json`]), reporting errors against `file`.
pub fn parse_metadata_json(text: &str, file: &str) -> Result<Vec<AssetMeta>> {
    parse_array(text, file, |obj, element, line| {
        let meta = meta_from_object(&obj, element, file, line)?;
        Ok(meta)
    })
}

/// Walks a top-level JSON array element by element so that every error carries a line number.
fn parse_array<T>(
    text: &str,
    file: &str,
    mut convert: impl FnMut(Map<String, Value>, &str, u64) -> Result<T>,
) -> Result<Vec<T>> {
    let bytes = text.as_bytes();
    let mut lines = LineCounter::default();
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) != Some(&b'[') {
        return Err(Error::malformed(
            file,
            lines.at(bytes, pos),
            "<document>",
            "expected a JSON array",
        ));
    }
    pos = skip_ws(bytes, pos + 1);
    let mut out = Vec::new();
    if bytes.get(pos) == Some(&b']') {
        pos += 1;
    } else {
        loop {
            let line = lines.at(bytes, pos);
            let mut stream =
                serde_json::Deserializer::from_str(&text[pos..]).into_iter::<Map<String, Value>>();
            let obj = match stream.next() {
                Some(Ok(obj)) => obj,
                Some(Err(e)) => {
                    let line = line + e.line().saturating_sub(1) as u64;
                    return Err(Error::malformed(file, line, "<record>", strip_position(&e)));
                }
                None => {
                    return Err(Error::malformed(
                        file,
                        line,
                        "<document>",
                        "unexpected end of the array",
                    ))
                }
            };
            let end = pos + stream.byte_offset();
            out.push(convert(obj, &text[pos..end], line)?);
            pos = skip_ws(bytes, end);
            match bytes.get(pos) {
                Some(b',') => pos = skip_ws(bytes, pos + 1),
                Some(b']') => {
                    pos += 1;
                    break;
                }
                _ => {
                    let line = lines.at(bytes, pos);
                    return Err(Error::malformed(
                        file,
                        line,
                        "<document>",
                        "expected `,` or `]` after an element",
                    ));
                }
            }
        }
    }
    if skip_ws(bytes, pos) != bytes.len() {
        return Err(Error::malformed(
            file,
            lines.at(bytes, pos),
            "<document>",
            "trailing characters after the array",
        ));
    }
    Ok(out)
}

fn asset_from_object(
    obj: Map<String, Value>,
    element: &str,
    file: &str,
    line: u64,
) -> Result<Asset> {
    let meta = meta_from_object(&obj, element, file, line)?;
    let number = |field: &'static str, positive: bool| -> Result<f64> {
        let at = field_line(element, field, line);
        let value = match obj.get(field) {
            None => return Err(Error::malformed(file, line, field, "missing")),
            Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
            Some(other) => {
                return Err(Error::malformed(
                    file,
                    at,
                    field,
                    format!("expected a number, got {other}"),
                ))
            }
        };
        check_number(field, value, positive)
            .map_err(|(_, reason)| Error::malformed(file, at, field, reason))?;
        Ok(value)
    };
    Ok(Asset {
        price_usd: number("current_price", true)?,
        market_cap_usd: number("market_cap", false)?,
        volume_24h_usd: number("total_volume", false)?,
        meta,
    })
}

fn meta_from_object(
    obj: &Map<String, Value>,
    element: &str,
    file: &str,
    line: u64,
) -> Result<AssetMeta> {
    let string = |field: &'static str| -> Result<String> {
        match obj.get(field) {
            None => Err(Error::malformed(file, line, field, "missing")),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
            Some(other) => Err(Error::malformed(
                file,
                field_line(element, field, line),
                field,
                format!("expected a non-empty string, got {other}"),
            )),
        }
    };
    let optional = |field: &'static str| -> Result<Option<&Value>> {
        Ok(obj.get(field).filter(|v| !v.is_null()))
    };
    let mut meta = AssetMeta::bare(&string("id")?);
    meta.symbol = string("symbol")?;
    if let Some(v) = optional("stablecoin")? {
        meta.stablecoin = v.as_bool().ok_or_else(|| {
            Error::malformed(
                file,
                field_line(element, "stablecoin", line),
                "stablecoin",
                "expected true or false",
            )
        })?;
    }
    if optional("derivative_of")?.is_some() {
        meta.derivative_of = Some(string("derivative_of")?);
    }
    if let Some(v) = optional("token")? {
        meta.token = Some(serde_json::from_value(v.clone()).map_err(|e| {
            Error::malformed(
                file,
                field_line(element, "token", line),
                "token",
                strip_position(&e),
            )
        })?);
    }
    Ok(meta)
}

/// The line of `"field"` within an element starting on `line` (the element's line when not found).
fn field_line(element: &str, field: &str, line: u64) -> u64 {
    let key = format!("\"{field}\"");
    element
        .find(&key)
        .map_or(line, |at| line + element[..at].matches('\n').count() as u64)
}

fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    pos
}

/// Counts newlines incrementally (positions are only ever asked in increasing order).
#[derive(Default)]
struct LineCounter {
    pos: usize,
    line: u64,
}

impl LineCounter {
    fn at(&mut self, bytes: &[u8], pos: usize) -> u64 {
        let end = pos.min(bytes.len());
        if end > self.pos {
            self.line += bytes[self.pos..end].iter().filter(|&&b| b == b'\n').count() as u64;
            self.pos = end;
        }
        self.line + 1
    }
}
