//! Embeds the front-end libraries listed in web/vendor.txt (installed from npm into
//! web/node_modules) into the binary. No network here: a missing file is an error that says
//! which command installs it.
use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read at run time: a build script compiled in another checkout of the same sources is reused
    // by cargo, and `env!` would have baked that checkout's path into it.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let web = Path::new(&manifest).join("../../web");
    let list = web.join("vendor.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    println!("cargo:rerun-if-changed={}", web.join("package-lock.json").display());
    let text = std::fs::read_to_string(&list).unwrap_or_else(|e| panic!("cannot read {}: {e}", list.display()));
    let mut out = String::from("/// Generated from web/vendor.txt by build.rs.\npub const VENDOR: &[(&str, &str, &[u8])] = &[\n");
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(name), Some(rel)) = (parts.next(), parts.next()) else {
            panic!("web/vendor.txt line {}: expected `name path content-type`", n + 1);
        };
        let ctype: Vec<&str> = parts.collect();
        let path = web.join(rel);
        if !path.exists() {
            panic!(
                "web/{rel} is missing: install the front-end libraries with `npm ci --prefix web` \
                 (pinned by web/package-lock.json) before building"
            );
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let abs = path.canonicalize().expect("canonical path");
        writeln!(out, "    ({name:?}, {:?}, include_bytes!({:?})),", ctype.join(" "), abs.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("vendor.rs");
    std::fs::write(dest, out).unwrap();
}
