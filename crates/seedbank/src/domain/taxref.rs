//! TAXREF, the French national taxonomic reference (MNHN / INPN), read from its official text files
//! (`TAXREFv17.txt`, `TAXREFv18.txt`…): UTF-8, tab-separated, one header line of upper-case column
//! names, one name per line.
//!
//! Columns of recent versions, as GeoNature's TaxHub creates its import table for each (the file
//! is copied into that table column for column, so the table is the file's layout):
//! - v15, v16 and v17 (41 columns; PnX-SI/TaxHub
//!   `apptax/taxonomie/commands/migrate_taxref/data/specific_taxref_v15_v16/0_taxref_import_data.sql`,
//!   used by `commands_v17.py` for `TAXREF_v17_2024.zip`):
//!   REGNE PHYLUM CLASSE ORDRE FAMILLE SOUS_FAMILLE TRIBU GROUP1_INPN GROUP2_INPN GROUP3_INPN CD_NOM
//!   CD_TAXSUP CD_SUP CD_REF RANG LB_NOM LB_AUTEUR NOM_COMPLET NOM_COMPLET_HTML NOM_VALIDE NOM_VERN
//!   NOM_VERN_ENG HABITAT FR GF MAR GUA SM SB SPM MAY EPA REU SA TA TAAF PF NC WF CLI URL
//! - v18 (44 columns; `…/specific_taxref_v18/0_taxref_import_data.sql`, and `taxref_v18.py`, which
//!   selects `cd_ba` and `nomenclatural_comment` by name from `TAXREF_v18_2025.zip`): the same plus
//!   CD_BA after CD_REF, NOMENCLATURAL_COMMENT after LB_AUTEUR and URL_INPN after URL.
//! - v14 (40 columns; `data/scripts/update_taxref/scripts/0.1.1_prepare_import_taxrefv14.sql`):
//!   the v15 list without GROUP3_INPN.
//!
//! Columns are found by name (case-insensitive), so versions that add, drop or reorder columns read
//! alike; unknown columns are ignored. Required: CD_NOM, CD_REF, RANG, LB_NOM, and NOM_COMPLET or
//! LB_AUTEUR. Fields are trimmed; empty fields are `None`; a field wholly in double quotes (as a
//! spreadsheet re-exports it) is unquoted. A file may be an extract: a CD_REF or CD_SUP naming a
//! taxon absent from the file is kept as is.
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;

use serde::{Deserialize, Serialize};

/// A TAXREF name identifier (CD_NOM, CD_REF, CD_SUP…): a positive integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CdNom(i64);

impl CdNom {
    /// Reads an identifier; surrounding whitespace is ignored. The error names the CD_NOM column
    /// and line 0: `read` reports the real column and line.
    pub fn parse(s: &str) -> Result<CdNom, TaxrefError> {
        match s.trim().parse::<i64>() {
            Ok(n) if n > 0 => Ok(CdNom(n)),
            _ => Err(TaxrefError::BadValue {
                line: 0,
                column: "CD_NOM",
                value: s.into(),
                why: "not a positive integer".into(),
            }),
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for CdNom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One line of TAXREF: a name, valid or synonym.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Taxon {
    pub cd_nom: CdNom,
    /// The valid name's CD_NOM: equal to `cd_nom` for a valid name, another for a synonym.
    pub cd_ref: CdNom,
    /// The superior taxon (CD_SUP), when the line has one.
    pub cd_sup: Option<CdNom>,
    /// RANG code: ES (species), SSES (subspecies), VAR, GN (genus), FM (family)…
    pub rank: String,
    /// The name without its author (LB_NOM).
    pub lb_nom: String,
    /// The author and year (LB_AUTEUR); empty when the file has none.
    pub lb_auteur: String,
    /// Name and author (NOM_COMPLET; built from LB_NOM and LB_AUTEUR when the file lacks it).
    pub nom_complet: String,
    /// The valid name's NOM_COMPLET (NOM_VALIDE; for a file without that column, taken from the
    /// valid name's line when it is in the file, else empty for a synonym).
    pub nom_valide: String,
    /// French vernacular names (NOM_VERN).
    pub nom_vern: Option<String>,
    pub famille: Option<String>,
    pub regne: Option<String>,
    pub group2_inpn: Option<String>,
    /// Status in metropolitan France: the FR column's code (P present, E endemic, S sub-endemic,
    /// I introduced, J introduced invasive, X extinct, Q mentioned by error, A absent…; the full
    /// list is `statuts_note.csv` in the TAXREF archive).
    pub fr_status: Option<String>,
}

impl Taxon {
    pub fn is_valid_name(&self) -> bool {
        self.cd_nom == self.cd_ref
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TaxrefError {
    /// The header lacks a required column (named here).
    #[error("the header has no {0} column: is this a TAXREF text file (tab-separated)?")]
    MissingColumn(&'static str),
    #[error("the file is empty")]
    Empty,
    #[error("{column} `{value}` is {why} (line {line})")]
    BadValue {
        line: u64,
        column: &'static str,
        value: String,
        why: String,
    },
    #[error("{found} fields where the header has {expected} (line {line})")]
    FieldCount {
        line: u64,
        found: usize,
        expected: usize,
    },
    #[error("not UTF-8 text (line {line})")]
    NotText { line: u64 },
    #[error("unreadable: {why} (line {line})")]
    Unreadable { line: u64, why: String },
}

/// A line that could not be read, with its number in the file (the header is line 1) and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub taxa: Vec<Taxon>,
    pub rejected: Vec<Rejected>,
}

/// A field trimmed, and unquoted when wholly in double quotes (`""` inside standing for `"`).
fn field(raw: &str) -> Cow<'_, str> {
    let f = raw.trim();
    match f
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
    {
        Some(inner) if inner.contains("\"\"") => Cow::Owned(inner.trim().replace("\"\"", "\"")),
        Some(inner) => Cow::Borrowed(inner.trim()),
        None => Cow::Borrowed(f),
    }
}

/// Where each column read is, in the header.
struct Columns {
    count: usize,
    cd_nom: usize,
    cd_ref: usize,
    rank: usize,
    lb_nom: usize,
    cd_sup: Option<usize>,
    lb_auteur: Option<usize>,
    nom_complet: Option<usize>,
    nom_valide: Option<usize>,
    nom_vern: Option<usize>,
    famille: Option<usize>,
    regne: Option<usize>,
    group2: Option<usize>,
    fr: Option<usize>,
}

impl Columns {
    fn of(header: &str) -> Result<Columns, TaxrefError> {
        let names: Vec<String> = header
            .trim_start_matches('\u{feff}')
            .trim_end_matches(['\r', '\n'])
            .split('\t')
            .map(|n| field(n).to_ascii_uppercase())
            .collect();
        let find = |n: &str| names.iter().position(|c| c == n);
        let need = |n: &'static str| find(n).ok_or(TaxrefError::MissingColumn(n));
        let c = Columns {
            count: names.len(),
            cd_nom: need("CD_NOM")?,
            cd_ref: need("CD_REF")?,
            rank: need("RANG")?,
            lb_nom: need("LB_NOM")?,
            cd_sup: find("CD_SUP"),
            lb_auteur: find("LB_AUTEUR"),
            nom_complet: find("NOM_COMPLET"),
            nom_valide: find("NOM_VALIDE"),
            nom_vern: find("NOM_VERN"),
            famille: find("FAMILLE"),
            regne: find("REGNE"),
            group2: find("GROUP2_INPN"),
            fr: find("FR"),
        };
        if c.lb_auteur.is_none() && c.nom_complet.is_none() {
            return Err(TaxrefError::MissingColumn("NOM_COMPLET or LB_AUTEUR"));
        }
        Ok(c)
    }

    fn row(&self, line: u64, text: &str) -> Result<Taxon, TaxrefError> {
        let f: Vec<Cow<'_, str>> = text.split('\t').map(field).collect();
        if f.len() != self.count {
            return Err(TaxrefError::FieldCount {
                line,
                found: f.len(),
                expected: self.count,
            });
        }
        let opt = |i: Option<usize>| {
            i.map(|i| &f[i])
                .filter(|s| !s.is_empty())
                .map(|s| s.to_string())
        };
        let id = |i: usize, column: &'static str| {
            CdNom::parse(&f[i]).map_err(|_| TaxrefError::BadValue {
                line,
                column,
                value: f[i].to_string(),
                why: "not a positive integer".into(),
            })
        };
        let required = |i: usize, column: &'static str| {
            if f[i].is_empty() {
                Err(TaxrefError::BadValue {
                    line,
                    column,
                    value: String::new(),
                    why: "empty".into(),
                })
            } else {
                Ok(f[i].to_string())
            }
        };
        let cd_nom = id(self.cd_nom, "CD_NOM")?;
        let cd_ref = id(self.cd_ref, "CD_REF")?;
        let cd_sup = match self.cd_sup {
            Some(i) if !f[i].is_empty() => Some(id(i, "CD_SUP")?),
            _ => None,
        };
        let rank = required(self.rank, "RANG")?;
        let lb_nom = required(self.lb_nom, "LB_NOM")?;
        let lb_auteur = opt(self.lb_auteur).unwrap_or_default();
        let nom_complet = opt(self.nom_complet).unwrap_or_else(|| {
            if lb_auteur.is_empty() {
                lb_nom.clone()
            } else {
                format!("{lb_nom} {lb_auteur}")
            }
        });
        let nom_valide = opt(self.nom_valide).unwrap_or_else(|| {
            if cd_nom == cd_ref {
                nom_complet.clone()
            } else {
                String::new()
            }
        });
        Ok(Taxon {
            cd_nom,
            cd_ref,
            cd_sup,
            rank,
            lb_nom,
            lb_auteur,
            nom_complet,
            nom_valide,
            nom_vern: opt(self.nom_vern),
            famille: opt(self.famille),
            regne: opt(self.regne),
            group2_inpn: opt(self.group2),
            fr_status: opt(self.fr),
        })
    }
}

/// Reads a TAXREF file: good rows are returned, each bad row is reported with its line number and
/// reason (a CD_NOM seen on an earlier line is one), never a panic. Blank lines are skipped. Only
/// an unusable header (or no header) is an error.
pub fn read(mut input: impl BufRead) -> Result<Parsed, TaxrefError> {
    let mut buf = Vec::new();
    match input.read_until(b'\n', &mut buf) {
        Ok(0) => return Err(TaxrefError::Empty),
        Ok(_) => {}
        Err(e) => {
            return Err(TaxrefError::Unreadable {
                line: 1,
                why: e.to_string(),
            })
        }
    }
    let header = std::str::from_utf8(&buf).map_err(|_| TaxrefError::NotText { line: 1 })?;
    let columns = Columns::of(header)?;
    let mut out = Parsed::default();
    let mut seen: HashMap<CdNom, u64> = HashMap::new();
    let mut line = 1u64;
    loop {
        buf.clear();
        line += 1;
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                out.rejected.push(Rejected {
                    line,
                    reason: format!("unreadable: {e}"),
                });
                break;
            }
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t.trim_end_matches(['\r', '\n']),
            Err(_) => {
                out.rejected.push(Rejected {
                    line,
                    reason: "not UTF-8 text".into(),
                });
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let taxon = columns
            .row(line, text)
            .and_then(|t| match seen.get(&t.cd_nom) {
                Some(first) => Err(TaxrefError::BadValue {
                    line,
                    column: "CD_NOM",
                    value: t.cd_nom.to_string(),
                    why: format!("already on line {first}"),
                }),
                None => {
                    seen.insert(t.cd_nom, line);
                    Ok(t)
                }
            });
        match taxon {
            Ok(t) => out.taxa.push(t),
            // The line is the rejection's own field: the reason need not say it again.
            Err(e) => out.rejected.push(Rejected {
                line,
                reason: e
                    .to_string()
                    .trim_end_matches(&format!(" (line {line})"))
                    .to_string(),
            }),
        }
    }
    resolve_valid_names(&mut out.taxa);
    Ok(out)
}

/// For a file without NOM_VALIDE: a synonym takes its valid name's NOM_COMPLET when that name is in
/// the file.
fn resolve_valid_names(taxa: &mut [Taxon]) {
    if taxa.iter().all(|t| !t.nom_valide.is_empty()) {
        return;
    }
    let valid: HashMap<CdNom, String> = taxa
        .iter()
        .filter(|t| t.is_valid_name())
        .map(|t| (t.cd_nom, t.nom_complet.clone()))
        .collect();
    for t in taxa.iter_mut().filter(|t| t.nom_valide.is_empty()) {
        if let Some(v) = valid.get(&t.cd_ref) {
            t.nom_valide = v.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// TAXREF v15–v17.
    const V17: &str = "REGNE\tPHYLUM\tCLASSE\tORDRE\tFAMILLE\tSOUS_FAMILLE\tTRIBU\tGROUP1_INPN\tGROUP2_INPN\tGROUP3_INPN\tCD_NOM\tCD_TAXSUP\tCD_SUP\tCD_REF\tRANG\tLB_NOM\tLB_AUTEUR\tNOM_COMPLET\tNOM_COMPLET_HTML\tNOM_VALIDE\tNOM_VERN\tNOM_VERN_ENG\tHABITAT\tFR\tGF\tMAR\tGUA\tSM\tSB\tSPM\tMAY\tEPA\tREU\tSA\tTA\tTAAF\tPF\tNC\tWF\tCLI\tURL";
    /// TAXREF v18.
    const V18: &str = "REGNE\tPHYLUM\tCLASSE\tORDRE\tFAMILLE\tSOUS_FAMILLE\tTRIBU\tGROUP1_INPN\tGROUP2_INPN\tGROUP3_INPN\tCD_NOM\tCD_TAXSUP\tCD_SUP\tCD_REF\tCD_BA\tRANG\tLB_NOM\tLB_AUTEUR\tNOMENCLATURAL_COMMENT\tNOM_COMPLET\tNOM_COMPLET_HTML\tNOM_VALIDE\tNOM_VERN\tNOM_VERN_ENG\tHABITAT\tFR\tGF\tMAR\tGUA\tSM\tSB\tSPM\tMAY\tEPA\tREU\tSA\tTA\tTAAF\tPF\tNC\tWF\tCLI\tURL\tURL_INPN";
    /// TAXREF v14 (no GROUP3_INPN).
    const V14: &str = "REGNE\tPHYLUM\tCLASSE\tORDRE\tFAMILLE\tSOUS_FAMILLE\tTRIBU\tGROUP1_INPN\tGROUP2_INPN\tCD_NOM\tCD_TAXSUP\tCD_SUP\tCD_REF\tRANG\tLB_NOM\tLB_AUTEUR\tNOM_COMPLET\tNOM_COMPLET_HTML\tNOM_VALIDE\tNOM_VERN\tNOM_VERN_ENG\tHABITAT\tFR\tGF\tMAR\tGUA\tSM\tSB\tSPM\tMAY\tEPA\tREU\tSA\tTA\tTAAF\tPF\tNC\tWF\tCLI\tURL";

    /// A line for `header`, filled by column name (other columns empty).
    fn line(header: &str, values: &[(&str, &str)]) -> String {
        header
            .split('\t')
            .map(|c| values.iter().find(|(k, _)| *k == c).map_or("", |(_, v)| *v))
            .collect::<Vec<_>>()
            .join("\t")
    }

    fn eryngium(header: &str) -> String {
        line(
            header,
            &[
                ("REGNE", "Plantae"),
                ("FAMILLE", "Apiaceae"),
                ("GROUP2_INPN", "Angiospermes"),
                ("CD_NOM", "97133"),
                ("CD_TAXSUP", "90000101"),
                ("CD_SUP", "90000101"),
                ("CD_REF", "97133"),
                ("RANG", "ES"),
                ("LB_NOM", "Eryngium alpinum"),
                ("LB_AUTEUR", "L., 1753"),
                ("NOM_COMPLET", "Eryngium alpinum L., 1753"),
                ("NOM_VALIDE", "Eryngium alpinum L., 1753"),
                ("NOM_VERN", "Panicaut des Alpes"),
                ("HABITAT", "7"),
                ("FR", "P"),
                ("URL", "https://inpn.mnhn.fr/espece/cd_nom/97133"),
            ],
        )
    }

    fn synonym(header: &str) -> String {
        line(
            header,
            &[
                ("CD_NOM", "90000301"),
                ("CD_REF", "612632"),
                ("RANG", "ES"),
                ("LB_NOM", "Leontopodium alpinum"),
                ("LB_AUTEUR", "Cass., 1822"),
                ("NOM_COMPLET", "Leontopodium alpinum Cass., 1822"),
                (
                    "NOM_VALIDE",
                    "Leontopodium nivale subsp. alpinum (Cass.) Greuter, 2003",
                ),
                ("FR", "P"),
            ],
        )
    }

    fn expected_eryngium() -> Taxon {
        Taxon {
            cd_nom: CdNom(97133),
            cd_ref: CdNom(97133),
            cd_sup: Some(CdNom(90000101)),
            rank: "ES".into(),
            lb_nom: "Eryngium alpinum".into(),
            lb_auteur: "L., 1753".into(),
            nom_complet: "Eryngium alpinum L., 1753".into(),
            nom_valide: "Eryngium alpinum L., 1753".into(),
            nom_vern: Some("Panicaut des Alpes".into()),
            famille: Some("Apiaceae".into()),
            regne: Some("Plantae".into()),
            group2_inpn: Some("Angiospermes".into()),
            fr_status: Some("P".into()),
        }
    }

    #[test]
    fn the_headers_of_v14_v17_and_v18_read_alike() {
        for header in [V14, V17, V18] {
            let text = format!("{header}\n{}\n{}\n", eryngium(header), synonym(header));
            let p = read(text.as_bytes()).unwrap();
            assert_eq!(p.rejected, vec![], "{header}");
            assert_eq!(p.taxa[0], expected_eryngium());
            let s = &p.taxa[1];
            assert!(p.taxa[0].is_valid_name() && !s.is_valid_name());
            // Its valid name is not in the file: kept all the same.
            assert_eq!((s.cd_ref, s.cd_sup), (CdNom(612632), None));
            assert_eq!(
                s.nom_valide,
                "Leontopodium nivale subsp. alpinum (Cass.) Greuter, 2003"
            );
            assert_eq!((&s.nom_vern, &s.famille), (&None, &None));
        }
        assert_eq!(V17.split('\t').count(), 41);
        assert_eq!(V18.split('\t').count(), 44);
        assert_eq!(V14.split('\t').count(), 40);
    }

    #[test]
    fn bom_crlf_blank_lines_and_lower_case_names() {
        let lower = V18.to_lowercase();
        let text = format!(
            "\u{feff}{lower}\r\n{}\r\n\r\n{}\r\n\r\n",
            eryngium(&lower.to_uppercase()),
            synonym(&lower.to_uppercase())
        );
        let p = read(text.as_bytes()).unwrap();
        assert_eq!(p.rejected, vec![]);
        assert_eq!(p.taxa.len(), 2);
        assert_eq!(p.taxa[0], expected_eryngium());
        assert_eq!(p.taxa[1].lb_auteur, "Cass., 1822", "no \\r left at the end");
    }

    #[test]
    fn columns_by_name_in_any_order_extra_ones_ignored() {
        let text = "LB_NOM\tRANG\tCD_REF\tCD_NOM\tLB_AUTEUR\tEXTRA\nGentiana lutea\tES\t99903\t99903\tL., 1753\tx\n";
        let p = read(text.as_bytes()).unwrap();
        let t = &p.taxa[0];
        assert_eq!(
            (t.cd_nom, t.cd_ref, t.cd_sup),
            (CdNom(99903), CdNom(99903), None)
        );
        assert_eq!(t.nom_complet, "Gentiana lutea L., 1753");
        assert_eq!(t.nom_valide, "Gentiana lutea L., 1753");
        assert_eq!((&t.famille, &t.fr_status), (&None, &None));
    }

    #[test]
    fn fields_are_trimmed_unquoted_and_empty_ones_none() {
        let text = "\"CD_NOM\"\tCD_REF\tRANG\tLB_NOM\tNOM_COMPLET\tNOM_VERN\tFAMILLE\tFR\tCD_SUP\n \
                    99903 \t\" 99903\"\t ES\t\"Gentiana lutea\"\t Gentiana lutea L., 1753 \t\"Gentiane \"\"jaune\"\"\"\t  \t\"\"\t \n";
        let p = read(text.as_bytes()).unwrap();
        assert_eq!(p.rejected, vec![]);
        let t = &p.taxa[0];
        assert_eq!((t.cd_nom, t.cd_ref), (CdNom(99903), CdNom(99903)));
        assert_eq!(
            (t.rank.as_str(), t.lb_nom.as_str(), t.nom_complet.as_str()),
            ("ES", "Gentiana lutea", "Gentiana lutea L., 1753")
        );
        assert_eq!(t.nom_vern.as_deref(), Some("Gentiane \"jaune\""));
        assert_eq!((&t.famille, &t.fr_status, t.cd_sup), (&None, &None, None));
        assert_eq!(t.lb_auteur, "", "no LB_AUTEUR column");
    }

    #[test]
    fn required_columns() {
        for missing in ["CD_NOM", "CD_REF", "RANG", "LB_NOM"] {
            let header: Vec<&str> = V17.split('\t').filter(|c| *c != missing).collect();
            assert_eq!(
                read(header.join("\t").as_bytes()).unwrap_err(),
                TaxrefError::MissingColumn(missing)
            );
        }
        let names_only = "CD_NOM\tCD_REF\tRANG\tLB_NOM\n1\t1\tES\tA b\n";
        assert_eq!(
            read(names_only.as_bytes()).unwrap_err(),
            TaxrefError::MissingColumn("NOM_COMPLET or LB_AUTEUR")
        );
        for enough in ["NOM_COMPLET", "LB_AUTEUR"] {
            let text = format!("CD_NOM\tCD_REF\tRANG\tLB_NOM\t{enough}\n1\t1\tES\tA b\tL.\n");
            assert_eq!(read(text.as_bytes()).unwrap().taxa.len(), 1);
        }
        assert_eq!(read("".as_bytes()).unwrap_err(), TaxrefError::Empty);
        assert_eq!(
            read("CD_NOM,CD_REF,RANG,LB_NOM,NOM_COMPLET\n".as_bytes()).unwrap_err(),
            TaxrefError::MissingColumn("CD_NOM"),
            "a comma-separated file is not TAXREF"
        );
        assert_eq!(
            read(&b"CD_NOM\tCD_REF\tRANG\tLB_NOM\tNOM_COMPL\xc9T\n"[..]).unwrap_err(),
            TaxrefError::NotText { line: 1 }
        );
        assert!(TaxrefError::MissingColumn("CD_REF")
            .to_string()
            .contains("no CD_REF column"));
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let text = [
            "CD_NOM\tCD_REF\tCD_SUP\tRANG\tLB_NOM\tNOM_COMPLET",
            "abc\t1\t\tES\tA b\tA b L.",  // 2: CD_NOM not a number
            "2\t2\t\tES\tC d",            // 3: a field short
            "3\t3\t\tES\t\tX",            // 4: no LB_NOM
            "4\t4\t\tES\tE f\tE f L.",    // 5: good
            "5\t0\t\tES\tG h\tG h L.",    // 6: CD_REF zero
            "6\t6\t-7\tES\tI j\tI j L.",  // 7: CD_SUP negative
            "7\t7\t\t\tK l\tK l L.",      // 8: no RANG
            "4\t4\t\tES\tE f\tE f L.",    // 9: CD_NOM again
            "",                           // 10: blank, skipped
            "8\t8\t\tES\tM n\tM n L.\tx", // 11: a field too many
            "99999999999999999999\t9\t\tES\tO p\tO p L.", // 12: too large
        ]
        .join("\n");
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"\n9\t9\t\tES\tQ \xff\tQ r\n10\t10\t\tES\tS t\tS t L.");
        let p = read(&bytes[..]).unwrap();
        let cd: Vec<i64> = p.taxa.iter().map(|t| t.cd_nom.get()).collect();
        assert_eq!(cd, [4, 10], "the last line has no line end");
        let got: Vec<(u64, &str)> = p
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (2, "CD_NOM `abc` is not a positive integer"),
                (3, "5 fields where the header has 6"),
                (4, "LB_NOM `` is empty"),
                (6, "CD_REF `0` is not a positive integer"),
                (7, "CD_SUP `-7` is not a positive integer"),
                (8, "RANG `` is empty"),
                (9, "CD_NOM `4` is already on line 5"),
                (11, "7 fields where the header has 6"),
                (
                    12,
                    "CD_NOM `99999999999999999999` is not a positive integer"
                ),
                (13, "not UTF-8 text"),
            ]
        );
    }

    #[test]
    fn a_synonym_without_nom_valide_takes_it_from_its_valid_name() {
        let text = "CD_NOM\tCD_REF\tRANG\tLB_NOM\tLB_AUTEUR\n\
                    90000304\t142001\tES\tTulipa australis\tLink, 1799\n\
                    142001\t142001\tSSES\tTulipa sylvestris subsp. australis\t(Link) Pamp., 1914\n\
                    90000305\t121139\tES\tSaxifraga aizoon\tJacq., 1778\n";
        let p = read(text.as_bytes()).unwrap();
        assert_eq!(
            p.taxa[0].nom_valide,
            "Tulipa sylvestris subsp. australis (Link) Pamp., 1914"
        );
        assert_eq!(
            p.taxa[2].nom_valide, "",
            "its valid name is not in the file"
        );
    }

    #[test]
    fn cd_nom() {
        assert_eq!(CdNom::parse(" 97133 ").unwrap().get(), 97133);
        assert_eq!(CdNom::parse("97133").unwrap().to_string(), "97133");
        for bad in ["", "0", "-1", "1.5", "x", "9223372036854775808"] {
            assert!(CdNom::parse(bad).is_err(), "{bad}");
        }
        let c = CdNom::parse("612632").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "612632");
        assert_eq!(serde_json::from_str::<CdNom>("612632").unwrap(), c);
    }

    #[test]
    fn the_demo_extract() {
        let p = read(include_str!("../../data/taxref-demo.txt").as_bytes()).unwrap();
        assert_eq!(p.rejected, vec![]);
        assert!((25..=40).contains(&p.taxa.len()), "{}", p.taxa.len());
        let by_id: HashMap<CdNom, &Taxon> = p.taxa.iter().map(|t| (t.cd_nom, t)).collect();
        let synonyms: Vec<&Taxon> = p.taxa.iter().filter(|t| !t.is_valid_name()).collect();
        assert!(synonyms.len() >= 3);
        for s in synonyms {
            let valid = by_id
                .get(&s.cd_ref)
                .expect("a synonym's valid name is in the file");
            assert!(valid.is_valid_name(), "{}", s.lb_nom);
            assert_eq!(s.nom_valide, valid.nom_complet);
        }
        for t in &p.taxa {
            if let Some(sup) = t.cd_sup {
                assert!(
                    by_id.contains_key(&sup),
                    "the parent of {} is in the file",
                    t.lb_nom
                );
            }
            if t.is_valid_name() {
                assert_eq!(t.nom_valide, t.nom_complet);
            }
        }
        let infra = p
            .taxa
            .iter()
            .filter(|t| ["SSES", "VAR"].contains(&t.rank.as_str()))
            .count();
        assert!(infra >= 2);
        // Used by the demo and the integration tests.
        for name in [
            "Eryngium alpinum",
            "Gentiana lutea",
            "Aquilegia alpina",
            "Primula auricula",
            "Lilium martagon",
            "Gentiana acaulis",
            "Gentiana kochiana",
            "Leontopodium alpinum",
        ] {
            assert!(p.taxa.iter().any(|t| t.lb_nom == name), "{name}");
        }
        // Every identifier is either a real one with its source in the provenance file, or an
        // invented one that cannot collide with TAXREF's.
        let provenance = include_str!("../../data/taxref-demo.md");
        for t in &p.taxa {
            if t.cd_nom.get() < 90_000_000 {
                let row = provenance
                    .lines()
                    .find(|l| l.starts_with(&format!("| {} |", t.cd_nom)))
                    .unwrap_or_else(|| panic!("{} has a provenance row", t.cd_nom));
                assert!(
                    row.contains("**real**") && row.contains("https://"),
                    "{row}"
                );
            }
        }
    }

    /// Up to 7 fields drawn from values that make good and bad rows.
    fn rows() -> impl Strategy<Value = String> {
        let value = prop_oneof![
            Just("1".to_string()),
            Just("2".to_string()),
            Just(" 3 ".to_string()),
            Just("0".to_string()),
            Just("-4".to_string()),
            Just(String::new()),
            Just("\"\"".to_string()),
            Just("\"".to_string()),
            Just("ES".to_string()),
            Just("Gentiana lutea".to_string()),
            Just("\r".to_string()),
            "[\\PC]{0,6}",
        ];
        proptest::collection::vec(proptest::collection::vec(value, 0..7), 0..16).prop_map(|ls| {
            ls.into_iter()
                .map(|fs| fs.join("\t"))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    /// Non-blank lines of a body (what must come out as a taxon or a rejection).
    fn counted(body: &[u8]) -> usize {
        body.split(|b| *b == b'\n')
            .filter(|l| match std::str::from_utf8(l) {
                Ok(t) => !t.trim().is_empty(),
                Err(_) => true,
            })
            .count()
    }

    fn check(body: &[u8]) -> Result<(), TestCaseError> {
        let mut text = b"CD_NOM\tCD_REF\tRANG\tLB_NOM\tNOM_COMPLET\n".to_vec();
        text.extend_from_slice(body);
        let p = read(&text[..]).unwrap();
        prop_assert_eq!(p.taxa.len() + p.rejected.len(), counted(body));
        let mut lines: Vec<u64> = p.rejected.iter().map(|r| r.line).collect();
        lines.dedup();
        prop_assert_eq!(lines.len(), p.rejected.len());
        let last = 1 + body.split(|b| *b == b'\n').count() as u64;
        prop_assert!(p.rejected.iter().all(|r| (2..=last).contains(&r.line)));
        let mut ids: Vec<CdNom> = p.taxa.iter().map(|t| t.cd_nom).collect();
        ids.sort();
        ids.dedup();
        prop_assert_eq!(ids.len(), p.taxa.len());
        for t in &p.taxa {
            prop_assert!(t.cd_nom.get() > 0 && t.cd_ref.get() > 0);
            prop_assert!(!t.lb_nom.is_empty() && t.lb_nom.trim() == t.lb_nom);
            prop_assert!(!t.rank.is_empty());
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn every_line_is_a_taxon_or_a_rejection(body in rows()) {
            check(body.as_bytes())?;
        }

        #[test]
        fn any_text_is_read_without_panic(body in "[\\PC\t\r\n]{0,300}") {
            check(body.as_bytes())?;
        }

        #[test]
        fn any_bytes_are_read_without_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            check(&body)?;
        }

        #[test]
        fn any_header_is_an_error_or_a_reading(header in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut text = header;
            text.extend_from_slice(b"\n1\t1\tES\tA b\tA b L.\n");
            let _ = read(&text[..]);
        }
    }
}
