//! Météo-France hourly files built from the official field description (204 columns), with
//! deterministic, plausible values.
use weather::domain::params::PARAMS;

pub fn header() -> String {
    let mut cols: Vec<String> = ["NUM_POSTE", "NOM_USUEL", "LAT", "LON", "ALTI", "AAAAMMJJHH"].iter().map(|s| s.to_string()).collect();
    for p in PARAMS.iter().take(99) {
        cols.push(p.code.to_string());
        cols.push(match p.code {
            "PMERMIN" => "QPERMIN".into(),
            "B2" => "QCB2".into(),
            c => format!("Q{c}"),
        });
    }
    cols.join(";")
}

pub struct Station<'a> {
    pub num: &'a str,
    pub name: &'a str,
    pub lat: f64,
    pub lon: f64,
    pub alti: f64,
}

/// One line: the station, the stamp `AAAAMMJJHH`, and `(column, value, quality)`.
pub fn line(s: &Station<'_>, stamp: &str, values: &[(&str, String, &str)]) -> String {
    let h = header();
    let names: Vec<&str> = h.split(';').collect();
    let mut f = vec![String::new(); names.len()];
    f[0] = s.num.into();
    f[1] = s.name.into();
    f[2] = format!("{}", s.lat);
    f[3] = format!("{}", s.lon);
    f[4] = format!("{}", s.alti);
    f[5] = stamp.into();
    for (c, v, q) in values {
        let i = names.iter().position(|n| n == c).unwrap_or_else(|| panic!("no column {c}"));
        f[i] = v.clone();
        f[i + 1] = q.to_string();
    }
    f.join(";")
}

/// Hourly rows for `days` days from `y-m-d`, 8 parameters each, with a daily temperature cycle.
pub fn hourly_file(s: &Station<'_>, y: i32, m: u32, d: u32, days: i64, warm: f64) -> String {
    let mut out = header();
    out.push('\n');
    let start = weather::domain::climato::days_from_civil(y, m, d);
    for day in start..start + days {
        let (yy, mm, dd) = weather::domain::climato::civil(day);
        for h in 0..24 {
            let phase = ((h as f64 - 15.0) / 24.0 * std::f64::consts::TAU).cos();
            let t = warm + 6.0 * phase + ((day % 7) as f64 - 3.0) * 0.3;
            let rr = if (day + h) % 11 == 0 { 1.2 } else { 0.0 };
            let stamp = format!("{yy:04}{mm:02}{dd:02}{h:02}");
            let vals = vec![
                ("T", format!("{t:.1}"), "1"),
                ("TN", format!("{:.1}", t - 0.4), "1"),
                ("TX", format!("{:.1}", t + 0.5), "1"),
                ("RR1", format!("{rr:.1}"), "1"),
                ("U", format!("{}", (75.0 - 15.0 * phase).round()), "1"),
                ("FF", "3.4".to_string(), "9"),
                ("FXI", "8.1".to_string(), "9"),
                ("PMER", format!("{:.1}", 1015.0 + (day % 5) as f64), "9"),
            ];
            out.push_str(&line(s, &stamp, &vals));
            out.push('\n');
        }
    }
    out
}

pub const DIJON: Station<'static> = Station { num: "21473001", name: "DIJON-LONGVIC", lat: 47.267833, lon: 5.088333, alti: 219.0 };
