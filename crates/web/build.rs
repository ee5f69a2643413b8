//! Embeds the compiled front-end (`static/dist`, built by `scripts/build-assets.sh`) in the
//! binary, so that `resettle serve` gives styled pages from any working directory.
//!
//! Writes `$OUT_DIR/embedded_assets.rs` with:
//! - `VERSION`: a hash of every file's path and bytes, put in the URL of each asset
//!   (`/static/<VERSION>/resettle.css`) so that a changed front-end gets new URLs and the old
//!   ones can be cached for a year;
//! - `FILES`: an `Embedded` for each file, sorted by path: its content type, its bytes and their
//!   ETag, and for text (CSS, JavaScript, source maps, SVG, JSON) gzip and brotli versions made
//!   here once, so that the server never compresses at run time.
//!
//! The stylesheet's `url(/assets/...)` references are rewritten to `/static/<VERSION>/assets/...`
//! so that the images it needs are cached (and replaced) with it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn main() {
    if let Err(message) = run() {
        // A build script fails by exiting non-zero; cargo shows what it wrote to stderr.
        eprintln!("\nerror: {message}\n");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let dist = manifest_dir.join("../../static/dist");
    // A directory is scanned as a whole: any file added, changed or removed rebuilds.
    println!("cargo::rerun-if-changed={}", dist.display());
    let stylesheet = dist.join("resettle.css");
    if !stylesheet.is_file() {
        return Err(format!(
            "the compiled front-end is missing ({} does not exist).\n\
             Resettle embeds its stylesheet, scripts and images in the binary: build them first with\n\
             \n    scripts/build-assets.sh      (or `make assets`; needs Node.js 20+ and npm)\n\
             \nin the repository, then build again.",
            stylesheet.display()
        ));
    }
    let mut files = Vec::new();
    collect(&dist, &dist, &mut files)?;
    files.sort();

    let mut version = Sha256::new();
    for (rel, path) in &files {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        version.update(rel.as_bytes());
        version.update([0]);
        version.update((bytes.len() as u64).to_le_bytes());
        version.update(&bytes);
    }
    let version = hex(&version.finalize())[..16].to_string();

    let mut code = String::new();
    let _ = writeln!(code, "/// A hash of the embedded front-end: the version segment of every asset URL.");
    let _ = writeln!(code, "pub const VERSION: &str = {version:?};");
    let _ = writeln!(code, "/// Every embedded file, sorted by path.");
    let _ = writeln!(code, "pub static FILES: &[Embedded] = &[");
    for (rel, path) in &files {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (source, bytes) = if rel.ends_with(".css") {
            let rewritten = String::from_utf8(bytes)
                .map_err(|_| format!("{} is not UTF-8", path.display()))?
                .replace("url(/assets/", &format!("url(/static/{version}/assets/"))
                .replace("url(\"/assets/", &format!("url(\"/static/{version}/assets/"))
                .replace("url('/assets/", &format!("url('/static/{version}/assets/"));
            let target = out_dir.join(rel.replace('/', "__"));
            std::fs::write(&target, &rewritten).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            (target, rewritten.into_bytes())
        } else {
            (path.clone(), bytes)
        };
        let tag = hex(&Sha256::digest(&bytes))[..16].to_string();
        let source = source.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", source.display()))?;
        let (gzip, brotli) = if is_text(rel) {
            let stem = out_dir.join(rel.replace('/', "__"));
            (
                compressed(&stem, "gz", gzip(&bytes)?, bytes.len())?,
                compressed(&stem, "br", brotli(&bytes)?, bytes.len())?,
            )
        } else {
            ("None".to_string(), "None".to_string())
        };
        let _ = writeln!(
            code,
            "    Embedded {{ path: {rel:?}, content_type: {:?}, etag: {:?}, bytes: include_bytes!({:?}), \
             gzip: {gzip}, brotli: {brotli} }},",
            content_type(rel),
            format!("\"{tag}\""),
            source.display().to_string()
        );
    }
    let _ = writeln!(code, "];");
    let target = out_dir.join("embedded_assets.rs");
    std::fs::write(&target, code).map_err(|e| format!("cannot write {}: {e}", target.display()))
}

/// Whether a file is text worth compressing.
fn is_text(name: &str) -> bool {
    matches!(name.rsplit('.').next().unwrap_or(""), "css" | "js" | "mjs" | "map" | "svg" | "json" | "webmanifest")
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).and_then(|()| encoder.finish()).map_err(|e| format!("gzip: {e}"))
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| format!("brotli: {e}"))?;
    Ok(out)
}

/// `Some(include_bytes!(…))` for a compressed version written beside `stem` when it saves at
/// least a tenth, else `None`.
fn compressed(stem: &Path, ext: &str, bytes: Vec<u8>, original: usize) -> Result<String, String> {
    if bytes.len() * 10 > original * 9 {
        return Ok("None".into());
    }
    let mut name = stem.as_os_str().to_owned();
    name.push(format!(".{ext}"));
    let path = PathBuf::from(name);
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(format!("Some(include_bytes!({:?}))", path.display().to_string()))
}

/// Every file under `dir`, as (path relative to `root` with `/` separators, full path).
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| format!("cannot stat {}: {e}", path.display()))?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() {
            let rel = path.strip_prefix(root).map_err(|e| e.to_string())?;
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>();
            out.push((rel.join("/"), path));
        }
    }
    Ok(())
}

/// The media type for a file name (the front-end has few kinds of file).
fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "webmanifest" => "application/manifest+json",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
