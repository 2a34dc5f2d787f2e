//! The look of the family pages, that a commune brands with a file beside its
//! deliberations, `apparence.txt` (never the État's design system, the DSFR, which is
//! reserved to State sites):
//!
//! ```text
//! nom : Ville d'Exempleville
//! logo : logo.svg
//! couleur : #7a1f5c
//! ```
//!
//! The colour is that of links, borders and the button (white text on it): it must keep
//! a contrast of at least 4,5:1 with white (RGAA 3.2, WCAG AA), or the neutral colour
//! stays and the reason is logged. The logo is a PNG, JPEG or SVG file of the folder,
//! served at `/logo`, shown with the name as its text alternative.

use std::path::{Path, PathBuf};

/// The file a commune writes, at the root of the served folder.
pub const FILE: &str = "apparence.txt";

/// The neutral colour: a dark blue, 8,6:1 on white.
pub const NEUTRAL: &str = "#0b4f8a";

/// The largest logo served (bytes).
const LOGO_MAX: u64 = 512 * 1024;

/// What the pages show of the commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Shown at the top of every page, and the logo's text alternative.
    pub name: Option<String>,
    /// The logo's file and its media type.
    pub logo: Option<(PathBuf, &'static str)>,
    /// `#rrggbb`.
    pub colour: String,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            name: None,
            logo: None,
            colour: NEUTRAL.to_string(),
        }
    }
}

/// The theme of `root`, and what in its file was set aside (in French, for the log).
pub fn load(root: &Path) -> (Theme, Vec<String>) {
    let mut theme = Theme::default();
    let mut problems = Vec::new();
    let Ok(text) = std::fs::read_to_string(root.join(FILE)) else {
        return (theme, problems);
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            problems.push(format!(
                "{FILE}, ligne {} : écrivez « clé : valeur »",
                n + 1
            ));
            continue;
        };
        let value = value.trim();
        match crate::syntax::lines::fold(key.trim()).as_str() {
            "nom" => theme.name = Some(value.to_string()).filter(|v| !v.is_empty()),
            "couleur" => match contrast_with_white(value) {
                Some(ratio) if ratio >= 4.5 => theme.colour = value.to_lowercase(),
                Some(ratio) => problems.push(format!(
                    "{FILE}, ligne {} : la couleur {value} n'a qu'un contraste de {}:1 avec le blanc (il en faut 4,5:1) ; la couleur neutre est gardée",
                    n + 1,
                    format!("{ratio:.1}").replace('.', ",")
                )),
                None => problems.push(format!(
                    "{FILE}, ligne {} : « {value} » n'est pas une couleur : écrivez-la #rrvvbb, par exemple #7a1f5c",
                    n + 1
                )),
            },
            "logo" => match logo(root, value) {
                Ok(found) => theme.logo = Some(found),
                Err(problem) => problems.push(format!("{FILE}, ligne {} : {problem}", n + 1)),
            },
            other => problems.push(format!(
                "{FILE}, ligne {} : « {other} » n'est pas une clé (nom, logo, couleur)",
                n + 1
            )),
        }
    }
    (theme, problems)
}

/// The logo named `value`: a file of the folder itself (no path), small, an image.
fn logo(root: &Path, value: &str) -> Result<(PathBuf, &'static str), String> {
    if value.contains(['/', '\\']) || value.starts_with('.') {
        return Err(format!(
            "« {value} » : le logo est un fichier du dossier, sans chemin"
        ));
    }
    let media = match Path::new(value)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .as_deref()
    {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => {
            return Err(format!(
                "« {value} » : le logo est un fichier .svg, .png ou .jpg"
            ));
        }
    };
    let path = root.join(value);
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() && m.len() <= LOGO_MAX => Ok((path, media)),
        Ok(m) if m.is_file() => Err(format!("« {value} » pèse plus de 512 Ko")),
        _ => Err(format!("« {value} » est introuvable dans le dossier")),
    }
}

/// The contrast ratio of `#rrggbb` with white (WCAG 2.1), `None` if it is no colour.
/// (Colours only: no amount is ever a float.)
fn contrast_with_white(value: &str) -> Option<f64> {
    let hex = value.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        })
    };
    let luminance = 0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?;
    Some(1.05 / (luminance + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_is_that_of_wcag() {
        let ratio = |c| contrast_with_white(c).unwrap_or(0.0);
        assert!((ratio("#000000") - 21.0).abs() < 0.01);
        assert!((ratio("#ffffff") - 1.0).abs() < 0.01);
        assert!(ratio(NEUTRAL) > 4.5);
        // #767676 is the lightest grey with 4,5:1 on white.
        assert!(ratio("#767676") >= 4.5 && ratio("#777777") < 4.5);
        assert_eq!(contrast_with_white("bleu"), None);
    }

    #[test]
    fn a_commune_brands_its_pages() {
        let folder = std::env::temp_dir().join(format!("tarif-theme-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::write(
            folder.join("logo.svg"),
            "<svg xmlns='http://www.w3.org/2000/svg'/>",
        )
        .expect("logo");
        std::fs::write(
            folder.join(FILE),
            "# L'apparence des pages\nnom : Ville d'Essai\nlogo : logo.svg\ncouleur : #7A1F5C\n",
        )
        .expect("theme");
        let (theme, problems) = load(&folder);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(theme.name.as_deref(), Some("Ville d'Essai"));
        assert_eq!(theme.colour, "#7a1f5c");
        assert_eq!(theme.logo.map(|(_, m)| m), Some("image/svg+xml"));
        std::fs::write(
            folder.join(FILE),
            "couleur : #ffcc00\nlogo : ../secret.svg\ntaille : 3\n",
        )
        .expect("theme");
        let (theme, problems) = load(&folder);
        assert_eq!(theme.colour, NEUTRAL);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("contraste de 1,5:1"), "{problems:?}");
        let _ = std::fs::remove_dir_all(&folder);
    }
}
