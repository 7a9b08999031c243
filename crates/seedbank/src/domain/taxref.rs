//! TAXREF, the French national taxonomic reference (MNHN / INPN), as its official text files are
//! published (`TAXREFv18.txt`…): UTF-8, tab-separated, one header line of upper-case column names
//! — REGNE PHYLUM CLASSE ORDRE FAMILLE SOUS_FAMILLE TRIBU GROUP1_INPN GROUP2_INPN GROUP3_INPN
//! CD_NOM CD_TAXSUP CD_SUP CD_REF RANG LB_NOM LB_AUTEUR NOM_COMPLET NOM_COMPLET_HTML NOM_VALIDE
//! NOM_VERN NOM_VERN_ENG HABITAT FR GF MAR GUA SM SB SPM MAY EPA REU SA TA TAAF PF NC WF CLI URL
//! in recent versions (older ones lack GROUP3_INPN). Columns are found by name, so versions that
//! add, drop or reorder columns read alike.
use std::io::BufRead;

use serde::{Deserialize, Serialize};

/// A TAXREF name identifier: a positive integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CdNom(i64);

impl CdNom {
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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Taxon {
    pub cd_nom: CdNom,
    /// The valid name's cd_nom: equal to `cd_nom` for a valid name, another for a synonym.
    pub cd_ref: CdNom,
    pub cd_sup: Option<CdNom>,
    /// RANG code: ES, SSES, VAR, GN, FM…
    pub rank: String,
    pub lb_nom: String,
    pub lb_auteur: String,
    pub nom_complet: String,
    pub nom_valide: String,
    pub nom_vern: Option<String>,
    pub famille: Option<String>,
    pub regne: Option<String>,
    pub group2_inpn: Option<String>,
    /// Status in metropolitan France (the FR column: P present, E endemic, I introduced…).
    pub fr_status: Option<String>,
}

impl Taxon {
    pub fn is_valid_name(&self) -> bool {
        self.cd_nom == self.cd_ref
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TaxrefError {
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
}

/// A row that could not be read, with its line number (the header is line 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub taxa: Vec<Taxon>,
    pub rejected: Vec<Rejected>,
}

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
            .map(|n| n.trim().to_ascii_uppercase())
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
            return Err(TaxrefError::MissingColumn("NOM_COMPLET"));
        }
        Ok(c)
    }

    fn row(&self, line: u64, text: &str) -> Result<Taxon, TaxrefError> {
        let f: Vec<&str> = text.split('\t').map(str::trim).collect();
        if f.len() != self.count {
            return Err(TaxrefError::FieldCount {
                line,
                found: f.len(),
                expected: self.count,
            });
        }
        let opt = |i: Option<usize>| {
            i.map(|i| f[i])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let id = |i: usize, column: &'static str| {
            CdNom::parse(f[i]).map_err(|_| TaxrefError::BadValue {
                line,
                column,
                value: f[i].into(),
                why: "not a positive integer".into(),
            })
        };
        let cd_nom = id(self.cd_nom, "CD_NOM")?;
        let cd_ref = id(self.cd_ref, "CD_REF")?;
        let cd_sup = match self.cd_sup.map(|i| f[i]).filter(|s| !s.is_empty()) {
            Some(_) => Some(id(self.cd_sup.expect("present"), "CD_SUP")?),
            None => None,
        };
        let lb_nom = f[self.lb_nom].to_string();
        if lb_nom.is_empty() {
            return Err(TaxrefError::BadValue {
                line,
                column: "LB_NOM",
                value: String::new(),
                why: "empty".into(),
            });
        }
        let rank = f[self.rank].to_string();
        if rank.is_empty() {
            return Err(TaxrefError::BadValue {
                line,
                column: "RANG",
                value: String::new(),
                why: "empty".into(),
            });
        }
        let lb_auteur = opt(self.lb_auteur).unwrap_or_default();
        let nom_complet = opt(self.nom_complet).unwrap_or_else(|| {
            if lb_auteur.is_empty() {
                lb_nom.clone()
            } else {
                format!("{lb_nom} {lb_auteur}")
            }
        });
        Ok(Taxon {
            cd_nom,
            cd_ref,
            cd_sup,
            rank,
            nom_valide: opt(self.nom_valide).unwrap_or_else(|| {
                if cd_nom == cd_ref {
                    nom_complet.clone()
                } else {
                    String::new()
                }
            }),
            lb_nom,
            lb_auteur,
            nom_complet,
            nom_vern: opt(self.nom_vern),
            famille: opt(self.famille),
            regne: opt(self.regne),
            group2_inpn: opt(self.group2),
            fr_status: opt(self.fr),
        })
    }
}

/// Reads a TAXREF file: good rows are returned, each bad row is reported with its line number and
/// reason. Only an unusable header (or no header) is an error.
pub fn read(mut input: impl BufRead) -> Result<Parsed, TaxrefError> {
    let mut buf = Vec::new();
    if input
        .read_until(b'\n', &mut buf)
        .map_err(|_| TaxrefError::NotText { line: 1 })?
        == 0
    {
        return Err(TaxrefError::Empty);
    }
    let header = std::str::from_utf8(&buf).map_err(|_| TaxrefError::NotText { line: 1 })?;
    let columns = Columns::of(header)?;
    let mut out = Parsed::default();
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
        match columns.row(line, text) {
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
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str = "REGNE\tPHYLUM\tCLASSE\tORDRE\tFAMILLE\tSOUS_FAMILLE\tTRIBU\tGROUP1_INPN\tGROUP2_INPN\tGROUP3_INPN\tCD_NOM\tCD_TAXSUP\tCD_SUP\tCD_REF\tRANG\tLB_NOM\tLB_AUTEUR\tNOM_COMPLET\tNOM_COMPLET_HTML\tNOM_VALIDE\tNOM_VERN\tNOM_VERN_ENG\tHABITAT\tFR\tGF\tMAR\tGUA\tSM\tSB\tSPM\tMAY\tEPA\tREU\tSA\tTA\tTAAF\tPF\tNC\tWF\tCLI\tURL";

    fn row(
        cd_nom: &str,
        cd_sup: &str,
        cd_ref: &str,
        rank: &str,
        lb_nom: &str,
        author: &str,
        valid: &str,
        vern: &str,
    ) -> String {
        let full = format!("{lb_nom} {author}");
        let mut f = vec![
            "Plantae",
            "Tracheophyta",
            "Equisetopsida",
            "Apiales",
            "Apiaceae",
            "",
            "",
            "Trachéophytes",
            "Angiospermes",
            "Dicotylédones",
            cd_nom,
            cd_sup,
            cd_sup,
            cd_ref,
            rank,
            lb_nom,
            author,
            &full,
            &full,
            valid,
            vern,
            "",
            "2",
            "P",
        ];
        f.extend(std::iter::repeat_n("", 16));
        f.push("https://inpn.mnhn.fr/");
        f.join("\t")
    }

    #[test]
    fn reads_names_and_synonyms() {
        let text = format!(
            "\u{feff}{HEADER}\r\n{}\r\n{}\r\n\r\n",
            row(
                "90000010",
                "90000001",
                "90000010",
                "ES",
                "Eryngium alpinum",
                "L., 1753",
                "Eryngium alpinum L., 1753",
                "Panicaut des Alpes"
            ),
            row(
                "90000011",
                "90000001",
                "90000010",
                "ES",
                "Eryngium alpestre",
                "Willd., 1798",
                "Eryngium alpinum L., 1753",
                ""
            ),
        );
        let p = read(text.as_bytes()).unwrap();
        assert_eq!(p.rejected, vec![]);
        assert_eq!(p.taxa.len(), 2);
        let (valid, syn) = (&p.taxa[0], &p.taxa[1]);
        assert!(valid.is_valid_name() && !syn.is_valid_name());
        assert_eq!(syn.cd_ref, valid.cd_nom);
        assert_eq!(valid.nom_vern.as_deref(), Some("Panicaut des Alpes"));
        assert_eq!(syn.nom_vern, None);
        assert_eq!(
            (
                valid.famille.as_deref(),
                valid.fr_status.as_deref(),
                valid.rank.as_str()
            ),
            (Some("Apiaceae"), Some("P"), "ES")
        );
        assert_eq!(valid.nom_complet, "Eryngium alpinum L., 1753");
    }

    #[test]
    fn columns_by_name_in_any_order() {
        let text = "LB_NOM\tRANG\tCD_REF\tCD_NOM\tLB_AUTEUR\tEXTRA\nGentiana lutea\tES\t90000020\t90000020\tL., 1753\tx\n";
        let p = read(text.as_bytes()).unwrap();
        assert_eq!(p.taxa[0].nom_complet, "Gentiana lutea L., 1753");
        assert_eq!(p.taxa[0].nom_valide, "Gentiana lutea L., 1753");
        assert_eq!(p.taxa[0].cd_sup, None);
    }

    #[test]
    fn bad_headers_and_rows() {
        assert_eq!(
            read("CD_NOM\tLB_NOM\n".as_bytes()).unwrap_err(),
            TaxrefError::MissingColumn("CD_REF")
        );
        assert_eq!(read("".as_bytes()).unwrap_err(), TaxrefError::Empty);
        assert_eq!(
            read("CD_NOM,CD_REF,RANG,LB_NOM\n".as_bytes()).unwrap_err(),
            TaxrefError::MissingColumn("CD_NOM")
        );
        let text = "CD_NOM\tCD_REF\tRANG\tLB_NOM\tNOM_COMPLET\nabc\t1\tES\tA b\tA b L.\n2\t2\tES\tC d\n3\t3\tES\t\tX\n4\t4\tES\tE f\tE f L.\n";
        let p = read(text.as_bytes()).unwrap();
        assert_eq!(p.taxa.len(), 1);
        let lines: Vec<u64> = p.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(
            p.rejected[0].reason.contains("CD_NOM `abc`"),
            "{:?}",
            p.rejected
        );
        assert!(p.rejected[1]
            .reason
            .contains("4 fields where the header has 5"));
        assert!(p.rejected[2].reason.contains("LB_NOM"));
    }

    #[test]
    fn the_demo_extract() {
        let p = read(include_str!("../../data/taxref-demo.txt").as_bytes()).unwrap();
        assert_eq!(p.rejected, vec![]);
        assert!(p.taxa.len() >= 20);
        let ids: std::collections::HashSet<CdNom> = p.taxa.iter().map(|t| t.cd_nom).collect();
        let synonyms: Vec<&Taxon> = p.taxa.iter().filter(|t| !t.is_valid_name()).collect();
        assert!(synonyms.len() >= 3);
        for s in synonyms {
            let valid = p
                .taxa
                .iter()
                .find(|t| t.cd_nom == s.cd_ref)
                .expect("a synonym's valid name is in the file");
            assert!(valid.is_valid_name());
            assert_eq!(s.nom_valide, valid.nom_complet);
        }
        assert!(
            p.taxa
                .iter()
                .filter_map(|t| t.cd_sup)
                .all(|s| ids.contains(&s)),
            "parents are in the file"
        );
        assert!(
            p.taxa.iter().all(|t| t.cd_nom.get() >= 90_000_000),
            "invented identifiers cannot collide with TAXREF's"
        );
    }

    proptest! {
        #[test]
        fn never_panics(body in "[\\PC\t\r\n]{0,300}") {
            let text = format!("CD_NOM\tCD_REF\tRANG\tLB_NOM\tNOM_COMPLET\n{body}");
            let p = read(text.as_bytes()).unwrap();
            let lines = body.split('\n').filter(|l| !l.trim().is_empty()).count();
            prop_assert_eq!(p.taxa.len() + p.rejected.len(), lines);
        }
    }
}
