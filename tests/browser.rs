//! The HTML report in a real browser: headless Chromium renders the demo's report, and the
//! DOM it ends with shows the score, the chart and the findings table, the filters hide
//! exactly the rows they should, and no script failed.
//!
//! Chromium is found as `$AILINT_CHROMIUM`, else `chromium`, `chromium-browser` or
//! `google-chrome` on the PATH. Without one the test says so and passes, unless
//! `AILINT_REQUIRE_BROWSER` is set (`.ci/run` installs Chromium and sets it), so CI cannot
//! skip it silently. `AILINT_UPDATE_DOCS=1` also refreshes the screenshot in `docs/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{ailint, stderr};
use serde_json::Value;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AILINT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Headless Chromium with a profile of its own and nothing that reaches the network.
fn browser(bin: &Path, profile: &Path) -> Command {
    let mut c = Command::new(bin);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// The DOM after the page's script ran, for the report at `page` with `fragment`.
fn dom(bin: &Path, profile: &Path, page: &Path, fragment: &str) -> String {
    let url = format!("file://{}{fragment}", page.display());
    let out = browser(bin, profile)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("start chromium");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("</html>"),
        "chromium printed no DOM for {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The `<tr` start tags of the findings table's body.
fn rows(dom: &str) -> Vec<&str> {
    let table = &dom[dom.find("id=\"findings-table\"").expect("findings table")..];
    let body = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    body.split("<tr ")
        .skip(1)
        .map(|r| &r[..r.find('>').unwrap()])
        .collect()
}

/// The root element's start tag, where the page records that its script finished
/// (`data-ready`) and any script errors (`data-script-errors`).
fn root(dom: &str) -> &str {
    let start = dom.find("<html").expect("an html element");
    &dom[start..start + dom[start..].find('>').unwrap()]
}

fn visible(dom: &str) -> usize {
    rows(dom).iter().filter(|r| !r.contains("hidden")).count()
}

fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let key = format!("{name}=\"");
    let start = tag.find(&key).map(|i| i + key.len()).unwrap_or(tag.len());
    let end = tag[start..].find('"').map_or(start, |e| start + e);
    &tag[start..end]
}

#[test]
fn the_demo_report_renders_and_filters_in_chromium() {
    let Some(bin) = chromium() else {
        assert!(
            std::env::var_os("AILINT_REQUIRE_BROWSER").is_none(),
            "AILINT_REQUIRE_BROWSER is set but no Chromium was found"
        );
        eprintln!("skipped: no Chromium (set AILINT_CHROMIUM or install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let o = ailint(&[
        "audit",
        "fixtures/demo/inventory.json",
        "--config",
        "fixtures/demo/ailint.toml",
        "--format",
        "html,json",
        "--output-dir",
        out.to_str().unwrap(),
        "--fail-on",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = out.join("report.html");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let failures: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail" && f.get("suppression").is_none())
        .collect();
    let area_of = |rule: &str| -> String {
        json["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == rule)
            .map(|r| r["area"].as_str().unwrap().to_string())
            .unwrap()
    };
    let profile = dir.path().join("profile");

    // Unfiltered: the script ran, the score, the chart and every failing finding are there.
    let all = dom(&bin, &profile, &page, "");
    assert_eq!(
        attr(root(&all), "data-ready"),
        "1",
        "the script did not finish"
    );
    assert!(!root(&all).contains("data-script-errors"), "{}", root(&all));
    let score_tag = &all[all.find("id=\"overall-score\"").unwrap()..];
    let score: f64 = attr(score_tag, "data-score").parse().unwrap();
    let expected = json["scores"]["overall"]["score"].as_f64().unwrap();
    assert!((score - expected).abs() < 0.051, "{score} vs {expected}");
    assert_eq!(
        all.matches("<g class=\"bar\"").count(),
        json["scores"]["areas"].as_array().unwrap().len()
    );
    assert!(all.contains("<rect class=\"fail\""));
    assert_eq!(rows(&all).len(), failures.len());
    assert_eq!(visible(&all), failures.len());

    // Each filter, from the address, shows exactly the matching rows.
    let f0 = *failures
        .iter()
        .find(|f| f["resource"]["region"].is_string())
        .expect("a regional finding");
    let account = f0["resource"]["account"].as_str().unwrap();
    let region = f0["resource"]["region"].as_str().unwrap();
    let rule = f0["rule_id"].as_str().unwrap();
    let count = |pred: &dyn Fn(&Value) -> bool| failures.iter().filter(|f| pred(f)).count();
    let cases: Vec<(String, usize)> = vec![
        (
            "#area=kms&severity=high".into(),
            count(&|f| area_of(f["rule_id"].as_str().unwrap()) == "kms" && f["severity"] == "high"),
        ),
        (
            format!("#account={account}&region={region}"),
            count(&|f| f["resource"]["account"] == account && f["resource"]["region"] == region),
        ),
        (format!("#rule={rule}"), count(&|f| f["rule_id"] == rule)),
        (
            "#severity=critical".into(),
            count(&|f| f["severity"] == "critical"),
        ),
        // A value no finding has is not offered, so it is ignored, not a blank table.
        ("#area=no-such-area".into(), failures.len()),
    ];
    for (fragment, expected) in cases {
        assert!(expected > 0, "{fragment}: the demo has no such finding");
        let d = dom(&bin, &profile, &page, &fragment);
        assert!(
            !root(&d).contains("data-script-errors"),
            "{fragment}: {}",
            root(&d)
        );
        assert_eq!(visible(&d), expected, "{fragment}");
        let shown = &d[d.find("id=\"shown\"").unwrap()..];
        assert_eq!(
            attr(shown, "data-shown"),
            expected.to_string(),
            "{fragment}"
        );
    }
    // Search narrows by any text of the row: a resource name.
    let name = f0["resource"]["name"].as_str().unwrap();
    let d = dom(
        &bin,
        &profile,
        &page,
        &format!("#q={}", name.replace(' ', "%20")),
    );
    let by_name = failures
        .iter()
        .filter(|f| {
            f["resource"]["name"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains(&name.to_lowercase())
        })
        .count();
    assert!(
        visible(&d) >= by_name && visible(&d) < failures.len(),
        "search"
    );

    // A screenshot renders; with AILINT_UPDATE_DOCS it becomes the README's picture.
    let shot = dir.path().join("report.png");
    let o = browser(&bin, &profile)
        .arg("--window-size=1280,1800")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let png = std::fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "no screenshot ({e}): {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    if std::env::var_os("AILINT_UPDATE_DOCS").is_some() {
        std::fs::write("docs/report.png", &png).unwrap();
    }

    // It prints: Chromium's print to PDF gives a document of several pages.
    let pdf_path = dir.path().join("report.pdf");
    let o = browser(&bin, &profile)
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf_path.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let pdf = std::fs::read(&pdf_path)
        .unwrap_or_else(|e| panic!("no PDF ({e}): {}", String::from_utf8_lossy(&o.stderr)));
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let pages = pdf
        .windows(12)
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count();
    assert!(pages > 1, "{pages} pages");
}
