//! Calendar days, the time unit of histories and of the regime signal.
//!
//! The library has no clock: callers pass the day in. A [`Day`] counts days since 1970-01-01 (UTC) and reads and
//! writes as `YYYY-MM-DD`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// A UTC calendar day, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

const SECONDS_PER_DAY: i64 = 86_400;

impl Day {
    /// The day of a calendar date, or an error when the date does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(Error::invalid(
                "date",
                format!("{year:04}-{month:02}-{day:02} does not exist"),
            ));
        }
        Ok(Self(days_from_civil(year, month, day)))
    }

    /// The day containing a Unix timestamp (seconds).
    pub fn from_unix(seconds: i64) -> Self {
        Self(seconds.div_euclid(SECONDS_PER_DAY) as i32)
    }

    /// The Unix timestamp (seconds) of this day's midnight UTC.
    pub fn to_unix(self) -> i64 {
        i64::from(self.0) * SECONDS_PER_DAY
    }

    /// The calendar date `(year, month, day)`.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// The day `n` days later (earlier when negative).
    pub fn plus(self, n: i32) -> Self {
        Self(self.0 + n)
    }

    /// Days from `earlier` to `self`.
    pub fn since(self, earlier: Self) -> i32 {
        self.0 - earlier.0
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Day {
    type Err = Error;

    /// Parses `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::invalid("date", format!("`{s}` is not a YYYY-MM-DD date"));
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let year = y.parse::<i32>().map_err(|_| bad())?;
        let month = m.parse::<u32>().map_err(|_| bad())?;
        let day = d.parse::<u32>().map_err(|_| bad())?;
        Self::from_ymd(year, month, day)
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_dates_across_leap_years() -> Result<()> {
        for n in -800..40_000 {
            let day = Day(n);
            let parsed: Day = day.to_string().parse()?;
            assert_eq!(parsed, day);
        }
        assert_eq!(Day::from_ymd(1970, 1, 1)?, Day(0));
        assert_eq!(
            Day::from_ymd(2024, 2, 29)?.plus(1).to_string(),
            "2024-03-01"
        );
        assert!(Day::from_ymd(2023, 2, 29).is_err());
        assert!("2024-1-01".parse::<Day>().is_err());
        Ok(())
    }

    #[test]
    fn unix_timestamps_map_to_their_day() {
        assert_eq!(Day::from_unix(86_399), Day(0));
        assert_eq!(Day::from_unix(-1), Day(-1));
        assert_eq!(Day(19_000).to_unix(), 19_000 * 86_400);
    }
}
