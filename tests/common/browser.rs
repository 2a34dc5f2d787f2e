//! Headless Chromium driven through chromedriver, for the tests of the pages of
//! `tarif serve` (fantoccini).

use std::path::PathBuf;

use fantoccini::Client;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use super::server::agent;

/// chromedriver on a free port of 127.0.0.1, stopped when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
    pub profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// chromedriver started, or `None` when this machine has none (a newcomer's `cargo
/// test`); `.ci/run` installs Chromium and sets TARIF_NAVIGATEUR=obligatoire, so that
/// there a missing browser fails the test instead of skipping it.
pub fn driver() -> Option<Driver> {
    let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_string());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = match Command::new(&program)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            let required = std::env::var("TARIF_NAVIGATEUR").is_ok_and(|v| v == "obligatoire");
            assert!(
                !required,
                "{program} introuvable ({e}) : apt-get install chromium chromium-driver"
            );
            eprintln!("test du simulateur dans Chromium sauté : {program} introuvable ({e})");
            return None;
        }
    };
    // One profile per browser, tests of one file running at once.
    static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = std::env::temp_dir().join(format!("tarif-chromium-{}-{n}", std::process::id()));
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        profile,
    };
    let started = Instant::now();
    while agent()
        .get(&format!("{}/status", driver.url))
        .call()
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver does not answer"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(driver)
}

/// A headless Chromium session on `driver`, in French.
pub async fn open(driver: &Driver) -> fantoccini::Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_string(),
        json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--lang=fr-FR",
                     format!("--user-data-dir={}", driver.profile.display())],
        }),
    );
    fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("Chromium starts")
}

/// axe-core's script: `AXE_CORE`, or where `.ci/run` installs it. `None` on a
/// newcomer's machine (said), an error where the browser is required.
pub fn axe_source() -> Option<String> {
    let path = std::env::var("AXE_CORE").map_or_else(
        |_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/navigateur/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    );
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(e) => {
            let required = std::env::var("TARIF_NAVIGATEUR").is_ok_and(|v| v == "obligatoire");
            assert!(!required, "axe-core introuvable ({}) : {e}", path.display());
            eprintln!("axe-core sauté : {} introuvable", path.display());
            None
        }
    }
}

/// The violations axe-core finds on the page shown (WCAG 2.1 A and AA rules).
pub async fn violations(browser: &Client, axe: &str) -> Vec<String> {
    browser.execute(axe, vec![]).await.expect("axe-core loads");
    let found = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
               .then(r => done(r.violations.map(v => v.id + ' : ' + v.nodes.map(n => n.html).join(' | '))))\
               .catch(e => done(['axe : ' + e]));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    serde_json::from_value(found).unwrap_or_default()
}
