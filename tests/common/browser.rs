//! Headless Chromium driven through chromedriver, for the tests of the pages of
//! `tarif serve` (fantoccini).

use std::path::PathBuf;
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
