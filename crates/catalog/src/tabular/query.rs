//! api-tabular's query language (`col__exact=…`, `col__sort=desc`, `columns=`, `page`,
//! `col__groupby` + `col__count|sum|avg|min|max`) and csvapi's (`_size`, `_offset`, `_sort`,
//! `_sort_desc`, `col__exact|contains|less|greater`), parsed against a table's columns into SQL.
//! Pure: the SQL text and its typed arguments; the store runs them.
use platform::error::{AppError, FieldError};

use super::profile::Column;
use super::types::{ColType, Value};

pub const MAX_PAGE_SIZE: i64 = 1000;
pub const DEFAULT_PAGE_SIZE: i64 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Exact,
    Differs,
    Contains,
    NotContains,
    In,
    NotIn,
    Less,
    Greater,
    StrictlyLess,
    StrictlyGreater,
    IsNull,
    IsNotNull,
}

impl Op {
    pub const ALL: &'static [(&'static str, Op)] = &[
        ("exact", Op::Exact),
        ("differs", Op::Differs),
        ("contains", Op::Contains),
        ("notcontains", Op::NotContains),
        ("in", Op::In),
        ("notin", Op::NotIn),
        ("less", Op::Less),
        ("greater", Op::Greater),
        ("strictly_less", Op::StrictlyLess),
        ("strictly_greater", Op::StrictlyGreater),
        ("isnull", Op::IsNull),
        ("isnotnull", Op::IsNotNull),
    ];
    fn parse(s: &str) -> Option<Op> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, o)| *o)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agg {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

impl Agg {
    pub const ALL: &'static [(&'static str, Agg)] = &[("count", Agg::Count), ("sum", Agg::Sum), ("avg", Agg::Avg), ("min", Agg::Min), ("max", Agg::Max)];
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, a)| *a == self).map(|(n, _)| *n).unwrap_or("count")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Ndjson,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub col: usize,
    pub op: Op,
    pub values: Vec<Value>,
}

/// A parsed request on one table.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub filters: Vec<Filter>,
    /// Column index and descending.
    pub sort: Vec<(usize, bool)>,
    /// Selected columns (all when the request names none).
    pub columns: Vec<usize>,
    pub q: Option<String>,
    pub group_by: Vec<usize>,
    pub aggs: Vec<(usize, Agg)>,
    pub page: i64,
    pub page_size: i64,
    /// Row offset (csvapi's `_offset`; api-tabular's page otherwise).
    pub offset: i64,
    pub format: Format,
    /// Whether `page` was given: csv/ndjson stream everything unless a page is asked for.
    pub paged: bool,
}

fn bad(field: &str, code: &str) -> FieldError {
    FieldError::new(field, code)
}

fn find(cols: &[Column], name: &str) -> Option<usize> {
    cols.iter().position(|c| c.name == name)
}

fn values(col: &Column, op: Op, raw: &str) -> Option<Vec<Value>> {
    let r = col.reader();
    match op {
        Op::IsNull | Op::IsNotNull => Some(vec![]),
        Op::Contains | Op::NotContains => Some(vec![Value::Text(raw.to_string())]),
        Op::In | Op::NotIn => raw.split(',').map(|v| r.read_query(v)).collect::<Option<Vec<_>>>().filter(|v| !v.is_empty()),
        Op::Less | Op::Greater | Op::StrictlyLess | Op::StrictlyGreater if col.ty == ColType::Boolean => None,
        _ => r.read_query(raw).map(|v| vec![v]),
    }
}

fn int(key: &str, raw: &str, min: i64, max: i64, errors: &mut Vec<FieldError>) -> Option<i64> {
    match raw.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            errors.push(bad(key, "out_of_range"));
            None
        }
    }
}

/// api-tabular's parameters.
pub fn parse(pairs: &[(String, String)], cols: &[Column]) -> Result<Query, AppError> {
    let mut q = Query {
        filters: vec![],
        sort: vec![],
        columns: (0..cols.len()).collect(),
        q: None,
        group_by: vec![],
        aggs: vec![],
        page: 1,
        page_size: DEFAULT_PAGE_SIZE,
        offset: 0,
        format: Format::Json,
        paged: false,
    };
    let mut errors = Vec::new();
    for (key, raw) in pairs {
        match key.as_str() {
            "page" => {
                if let Some(n) = int(key, raw, 1, 1_000_000_000, &mut errors) {
                    q.page = n;
                    q.paged = true;
                }
            }
            "page_size" => {
                if let Some(n) = int(key, raw, 1, MAX_PAGE_SIZE, &mut errors) {
                    q.page_size = n;
                }
            }
            "q" => q.q = Some(raw.clone()).filter(|s| !s.trim().is_empty()),
            "format" => match raw.as_str() {
                "json" => q.format = Format::Json,
                "csv" => q.format = Format::Csv,
                "ndjson" => q.format = Format::Ndjson,
                _ => errors.push(bad(key, "unknown_format")),
            },
            "columns" => {
                let mut sel = Vec::new();
                for name in raw.split(',').filter(|s| !s.is_empty()) {
                    match find(cols, name) {
                        Some(i) => sel.push(i),
                        None => errors.push(bad(&format!("columns.{name}"), "unknown_column")),
                    }
                }
                if !sel.is_empty() {
                    q.columns = sel;
                }
            }
            _ => {
                let Some((name, op)) = key.rsplit_once("__") else {
                    errors.push(bad(key, "unknown_parameter"));
                    continue;
                };
                let Some(ci) = find(cols, name) else {
                    errors.push(bad(key, "unknown_column"));
                    continue;
                };
                let col = &cols[ci];
                if op == "sort" {
                    match raw.as_str() {
                        "asc" => q.sort.push((ci, false)),
                        "desc" => q.sort.push((ci, true)),
                        _ => errors.push(bad(key, "unknown_sort")),
                    }
                } else if op == "groupby" {
                    q.group_by.push(ci);
                } else if let Some((_, agg)) = Agg::ALL.iter().find(|(n, _)| *n == op) {
                    if matches!(agg, Agg::Sum | Agg::Avg) && !col.ty.is_numeric() {
                        errors.push(bad(key, "not_numeric"));
                    } else {
                        q.aggs.push((ci, *agg));
                    }
                } else if let Some(op) = Op::parse(op) {
                    match values(col, op, raw) {
                        Some(values) => q.filters.push(Filter { col: ci, op, values }),
                        None => errors.push(bad(key, "invalid_value")),
                    }
                } else {
                    errors.push(bad(key, "unknown_operator"));
                }
            }
        }
    }
    if !q.aggs.is_empty() || !q.group_by.is_empty() {
        for (ci, _) in &q.sort {
            if !q.group_by.contains(ci) {
                errors.push(bad(&format!("{}__sort", cols[*ci].name), "not_grouped"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    q.offset = (q.page - 1).saturating_mul(q.page_size);
    Ok(q)
}

/// csvapi's parameters (`/api/{hash}`): `_size` (default 100), `_offset`, `_sort`, `_sort_desc`,
/// and `col__exact|contains|less|greater`. As in csvapi, `less`/`greater` are ≤/≥ and unknown
/// comparators are ignored; unknown columns are an error here (csvapi answers 400 too).
pub fn parse_csvapi(pairs: &[(String, String)], cols: &[Column]) -> Result<Query, AppError> {
    let mut q = parse(&[], cols)?;
    q.page_size = 100;
    let mut errors = Vec::new();
    for (key, raw) in pairs {
        match key.as_str() {
            "_size" => q.page_size = int(key, raw, 1, MAX_PAGE_SIZE, &mut errors).unwrap_or(100),
            "_offset" => q.offset = int(key, raw, 0, i64::MAX / 2, &mut errors).unwrap_or(0),
            "_sort" | "_sort_desc" => match find(cols, raw) {
                Some(ci) => q.sort.push((ci, key == "_sort_desc")),
                None => errors.push(bad(key, "unknown_column")),
            },
            "_shape" | "_rowid" | "_total" => {}
            _ => {
                let Some((name, op)) = key.rsplit_once("__") else { continue };
                let op = match op {
                    "exact" => Op::Exact,
                    "contains" => Op::Contains,
                    "less" => Op::Less,
                    "greater" => Op::Greater,
                    _ => continue,
                };
                let Some(ci) = find(cols, name) else {
                    errors.push(bad(key, "unknown_column"));
                    continue;
                };
                match values(&cols[ci], op, raw) {
                    Some(values) => q.filters.push(Filter { col: ci, op, values }),
                    None => errors.push(bad(key, "invalid_value")),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    Ok(q)
}

/// SQL text with `$n` placeholders and the values to bind in order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Value>,
}

impl Sql {
    fn arg(&mut self, v: Value) -> String {
        self.args.push(v);
        format!("${}", self.args.len())
    }
}

fn like_pattern(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The WHERE clause (empty when nothing filters), appending its arguments to `sql`.
pub fn where_clause(q: &Query, cols: &[Column], postgres: bool, sql: &mut Sql) -> String {
    let like = if postgres { "ILIKE" } else { "LIKE" };
    let mut parts = Vec::new();
    for f in &q.filters {
        let c = &cols[f.col].sql;
        let part = match f.op {
            Op::IsNull => format!("{c} IS NULL"),
            Op::IsNotNull => format!("{c} IS NOT NULL"),
            Op::Contains | Op::NotContains => {
                let Value::Text(t) = &f.values[0] else { continue };
                let p = sql.arg(Value::Text(like_pattern(t)));
                let not = if f.op == Op::NotContains { "NOT " } else { "" };
                format!("CAST({c} AS TEXT) {not}{like} {p} ESCAPE '\\'")
            }
            Op::In | Op::NotIn => {
                let ps: Vec<String> = f.values.iter().map(|v| sql.arg(v.clone())).collect();
                let not = if f.op == Op::NotIn { "NOT " } else { "" };
                format!("{c} {not}IN ({})", ps.join(", "))
            }
            op => {
                let sym = match op {
                    Op::Exact => "=",
                    Op::Differs => "<>",
                    Op::Less => "<=",
                    Op::Greater => ">=",
                    Op::StrictlyLess => "<",
                    _ => ">",
                };
                let p = sql.arg(f.values[0].clone());
                format!("{c} {sym} {p}")
            }
        };
        parts.push(part);
    }
    if let Some(text) = &q.q {
        let texts: Vec<&Column> = cols.iter().filter(|c| matches!(c.ty, ColType::Text | ColType::Date | ColType::Datetime)).collect();
        if texts.is_empty() {
            parts.push("1 = 0".into());
        } else {
            let p = sql.arg(Value::Text(like_pattern(text)));
            let ors: Vec<String> = texts.iter().map(|c| format!("{} {like} {p} ESCAPE '\\'", c.sql)).collect();
            parts.push(format!("({})", ors.join(" OR ")));
        }
    }
    if parts.is_empty() { String::new() } else { format!(" WHERE {}", parts.join(" AND ")) }
}

/// What each output column of a query is, to decode rows.
#[derive(Clone, Debug, PartialEq)]
pub struct OutCol {
    pub name: String,
    pub ty: ColType,
}

pub fn is_aggregate(q: &Query) -> bool {
    !q.group_by.is_empty() || !q.aggs.is_empty()
}

/// The page query, the count query (`None` when the stored row count answers), and the output
/// columns. `limit` is `None` for a streamed export of every matching row.
pub fn select(q: &Query, cols: &[Column], table: &str, postgres: bool, limit: Option<(i64, i64)>) -> (Sql, Option<Sql>, Vec<OutCol>) {
    let mut sql = Sql::default();
    let wh = where_clause(q, cols, postgres, &mut sql);
    let mut count = Sql { text: String::new(), args: sql.args.clone() };
    let page = match limit {
        Some((l, o)) => format!(" LIMIT {l} OFFSET {o}"),
        None => String::new(),
    };
    let out;
    if is_aggregate(q) {
        let mut exprs = Vec::new();
        let mut outs = Vec::new();
        for &g in &q.group_by {
            exprs.push(cols[g].sql.clone());
            outs.push(OutCol { name: cols[g].name.clone(), ty: cols[g].ty });
        }
        for &(ci, agg) in &q.aggs {
            let c = &cols[ci];
            let (e, ty) = match agg {
                Agg::Count => (format!("COUNT({})", c.sql), ColType::Integer),
                Agg::Sum if c.ty == ColType::Integer => (if postgres { format!("CAST(SUM({}) AS BIGINT)", c.sql) } else { format!("SUM({})", c.sql) }, ColType::Integer),
                Agg::Sum => (format!("CAST(SUM({}) AS {})", c.sql, ColType::Decimal.sql(postgres)), ColType::Decimal),
                Agg::Avg => (format!("CAST(AVG({}) AS {})", c.sql, ColType::Decimal.sql(postgres)), ColType::Decimal),
                Agg::Min => (format!("MIN({})", c.sql), c.ty),
                Agg::Max => (format!("MAX({})", c.sql), c.ty),
            };
            exprs.push(e);
            outs.push(OutCol { name: format!("{}__{}", c.name, agg.name()), ty });
        }
        let group = if q.group_by.is_empty() { String::new() } else { format!(" GROUP BY {}", q.group_by.iter().map(|&g| cols[g].sql.as_str()).collect::<Vec<_>>().join(", ")) };
        let mut order: Vec<String> = q.sort.iter().map(|&(ci, desc)| format!("{}{}", cols[ci].sql, if desc { " DESC" } else { "" })).collect();
        for &g in &q.group_by {
            if !q.sort.iter().any(|(ci, _)| *ci == g) {
                order.push(cols[g].sql.clone());
            }
        }
        let order = if order.is_empty() { String::new() } else { format!(" ORDER BY {}", order.join(", ")) };
        sql.text = format!("SELECT {} FROM {table}{wh}{group}{order}{page}", exprs.join(", "));
        count.text = format!("SELECT COUNT(*) FROM (SELECT 1 AS one FROM {table}{wh}{group}) g");
        out = outs;
        return (sql, Some(count), out);
    }
    let mut exprs = vec!["__id".to_string()];
    let mut outs = vec![OutCol { name: "__id".into(), ty: ColType::Integer }];
    for &ci in &q.columns {
        exprs.push(cols[ci].sql.clone());
        outs.push(OutCol { name: cols[ci].name.clone(), ty: cols[ci].ty });
    }
    let mut order: Vec<String> = q.sort.iter().map(|&(ci, desc)| format!("{}{}", cols[ci].sql, if desc { " DESC" } else { "" })).collect();
    order.push("__id".into());
    sql.text = format!("SELECT {} FROM {table}{wh} ORDER BY {}{page}", exprs.join(", "), order.join(", "));
    let count = (!wh.is_empty()).then(|| {
        count.text = format!("SELECT COUNT(*) FROM {table}{wh}");
        count
    });
    out = outs;
    (sql, count, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabular::profile::Profile;

    fn cols() -> Vec<Column> {
        [("code_insee", ColType::Text), ("valeur", ColType::Decimal), ("n", ColType::Integer), ("ok", ColType::Boolean)]
            .iter()
            .enumerate()
            .map(|(i, (n, t))| Column { name: n.to_string(), sql: format!("c{i}"), ty: *t, decimal_comma: true, format: None, profile: Profile::default() })
            .collect()
    }

    fn pairs(s: &str) -> Vec<(String, String)> {
        serde_urlencoded::from_str(s).unwrap()
    }

    fn fields(e: AppError) -> Vec<(String, String)> {
        e.errors.iter().map(|f| (f.field.clone(), f.code.clone())).collect()
    }

    #[test]
    fn filters_become_typed_sql() {
        let q = parse(&pairs("valeur__greater=1,5&n__in=1,2&code_insee__contains=2A_&ok__exact=oui&n__sort=desc&page=2&page_size=10"), &cols()).unwrap();
        let (sql, count, out) = select(&q, &cols(), "t", false, Some((q.page_size, q.offset)));
        assert_eq!(sql.text, "SELECT __id, c0, c1, c2, c3 FROM t WHERE c1 >= $1 AND c2 IN ($2, $3) AND CAST(c0 AS TEXT) LIKE $4 ESCAPE '\\' AND c3 = $5 ORDER BY c2 DESC, __id LIMIT 10 OFFSET 10");
        assert_eq!(sql.args, vec![Value::Float(1.5), Value::Int(1), Value::Int(2), Value::Text("%2A\\_%".into()), Value::Bool(true)]);
        assert_eq!(count.unwrap().text, "SELECT COUNT(*) FROM t WHERE c1 >= $1 AND c2 IN ($2, $3) AND CAST(c0 AS TEXT) LIKE $4 ESCAPE '\\' AND c3 = $5");
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn unfiltered_uses_stored_count() {
        let q = parse(&[], &cols()).unwrap();
        assert!(select(&q, &cols(), "t", true, Some((20, 0))).1.is_none());
    }

    #[test]
    fn errors_name_the_column_or_operator() {
        let e = parse(&pairs("nope__exact=1&n__between=1&n__exact=abc&code_insee__sum=&page_size=5000&colour=red"), &cols()).unwrap_err();
        assert_eq!(
            fields(e),
            vec![
                ("nope__exact".into(), "unknown_column".into()),
                ("n__between".into(), "unknown_operator".into()),
                ("n__exact".into(), "invalid_value".into()),
                ("code_insee__sum".into(), "not_numeric".into()),
                ("page_size".into(), "out_of_range".into()),
                ("colour".into(), "unknown_parameter".into()),
            ]
        );
    }

    #[test]
    fn aggregation() {
        let q = parse(&pairs("code_insee__groupby&valeur__sum&valeur__avg&n__count"), &cols()).unwrap();
        let (sql, count, out) = select(&q, &cols(), "t", true, Some((20, 0)));
        assert_eq!(sql.text, "SELECT c0, CAST(SUM(c1) AS DOUBLE PRECISION), CAST(AVG(c1) AS DOUBLE PRECISION), COUNT(c2) FROM t GROUP BY c0 ORDER BY c0 LIMIT 20 OFFSET 0");
        assert_eq!(count.unwrap().text, "SELECT COUNT(*) FROM (SELECT 1 AS one FROM t GROUP BY c0) g");
        let names: Vec<&str> = out.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["code_insee", "valeur__sum", "valeur__avg", "n__count"]);
    }

    #[test]
    fn full_text_over_text_columns() {
        let q = parse(&pairs("q=Ajac"), &cols()).unwrap();
        let (sql, _, _) = select(&q, &cols(), "t", true, Some((20, 0)));
        assert!(sql.text.contains("WHERE (c0 ILIKE $1 ESCAPE '\\')"), "{}", sql.text);
    }

    #[test]
    fn csvapi_params() {
        let q = parse_csvapi(&pairs("_size=2&_offset=4&_sort_desc=n&n__greater=3&n__weird=1&_shape=objects"), &cols()).unwrap();
        assert_eq!((q.page_size, q.offset, q.sort.clone()), (2, 4, vec![(2, true)]));
        assert_eq!(q.filters, vec![Filter { col: 2, op: Op::Greater, values: vec![Value::Int(3)] }]);
    }
}
