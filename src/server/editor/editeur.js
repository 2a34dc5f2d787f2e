// The workshop made live: the text is analysed 300 ms after the last keystroke
// (POST /editeur/analyse); its diagnostics, examples, family form and curve are
// written in the page. Without this script, the form posts to /editeur.
"use strict";

(function () {
  const text = document.getElementById("texte");
  const gutter = document.getElementById("gouttiere");
  const status = document.getElementById("etat");
  const list = document.getElementById("diagnostics");
  const examples = document.getElementById("exemples");
  const familySection = document.getElementById("famille-section");
  const familyForm = document.getElementById("famille");
  const fields = document.getElementById("champs");
  const prices = document.getElementById("prix");
  const curveSection = document.getElementById("courbe-section");
  const curveForm = document.getElementById("courbe");
  const curveTariff = document.getElementById("tarif-courbe");
  const figure = document.getElementById("figure");
  let timer = null;
  let asked = 0;
  let inputs = [];

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      node.setAttribute(key, value);
    }
    for (const child of children || []) {
      node.append(child);
    }
    return node;
  }

  // The line numbers beside the text, marked where a diagnostic points.
  function drawGutter(marks) {
    const count = Math.max(1, text.value.split("\n").length);
    gutter.replaceChildren();
    for (let n = 1; n <= count; n++) {
      const mark = marks.get(n);
      gutter.append(element("span", mark ? { class: mark } : {}, [String(n)]));
    }
    gutter.scrollTop = text.scrollTop;
  }

  // Selects line `n` of the text, and brings it into view.
  function goTo(n) {
    const lines = text.value.split("\n");
    let start = 0;
    for (let i = 0; i < n - 1 && i < lines.length; i++) start += lines[i].length + 1;
    const end = start + (lines[n - 1] || "").length;
    text.focus();
    text.setSelectionRange(start, end);
    const height = text.scrollHeight / Math.max(1, lines.length);
    text.scrollTop = Math.max(0, (n - 3) * height);
  }

  function summary(items) {
    const errors = items.filter((d) => d.gravite === "erreur").length;
    const warnings = items.length - errors;
    if (errors === 0 && warnings === 0) return "Aucune erreur, aucun avertissement.";
    if (errors === 0) return `Aucune erreur, ${warnings} avertissement(s).`;
    if (warnings === 0) return `${errors} erreur(s).`;
    return `${errors} erreur(s), ${warnings} avertissement(s).`;
  }

  function render(analysis) {
    const marks = new Map();
    list.replaceChildren();
    for (const d of analysis.diagnostics) {
      if (marks.get(d.ligne) !== "erreur") marks.set(d.ligne, d.gravite);
      const go = element("button", { type: "button", class: "ligne" }, [`Ligne ${d.ligne}`]);
      go.addEventListener("click", () => goTo(d.ligne));
      const item = element("li", { class: d.gravite }, [go, ` ${d.code} : ${d.message}`]);
      if (d.aide) item.append(element("br"), `Aide : ${d.aide}`);
      list.append(item);
    }
    status.textContent = summary(analysis.diagnostics);
    drawGutter(marks);

    examples.replaceChildren();
    for (const e of analysis.exemples) {
      for (const c of e.attendus) {
        const words = c.reussi
          ? `Réussi — ${e.titre} : ${c.tarif} ${c.trouve}`
          : `Échec — ${e.titre} : ${c.tarif} ${c.trouve} (attendu ${c.attendu}, ligne ${c.ligne})`;
        examples.append(element("li", { class: c.reussi ? "reussi" : "echec" }, [words]));
      }
    }

    const names = analysis.entrees.map((i) => i.nom).join("|");
    if (names !== inputs.map((i) => i.nom).join("|")) {
      inputs = analysis.entrees;
      drawFamilyForm();
    }
    familySection.hidden = analysis.tarifs.length === 0;
    curveSection.hidden = analysis.tarifs.length === 0;
    const chosen = curveTariff.value;
    curveTariff.replaceChildren(
      ...analysis.tarifs.map((t, n) => element("option", { value: String(n) }, [t.libelle]))
    );
    if (chosen && Number(chosen) < analysis.tarifs.length) curveTariff.value = chosen;
  }

  function drawFamilyForm() {
    fields.replaceChildren();
    inputs.forEach((input, n) => {
      const id = `champ-${n}`;
      const label = element("label", { for: id }, [input.libelle + (input.obligatoire ? " (obligatoire)" : "")]);
      let control;
      if (input.type === "choix") {
        control = element("select", { id, "data-nom": input.nom }, [
          element("option", { value: "" }, ["— non donné —"]),
          ...input.valeurs.map((v) => element("option", { value: v.valeur }, [v.libelle])),
        ]);
      } else if (input.type === "booleen") {
        control = element("input", { id, type: "checkbox", "data-nom": input.nom });
      } else {
        control = element("input", { id, type: "text", inputmode: input.type === "nombre" ? "decimal" : "text", "data-nom": input.nom });
      }
      fields.append(element("p", { class: input.type === "booleen" ? "case" : "" }, input.type === "booleen" ? [control, " ", label] : [label, control]));
    });
  }

  async function analyse() {
    const ticket = ++asked;
    try {
      const answer = await fetch("/editeur/analyse", { method: "POST", body: text.value });
      if (!answer.ok) {
        status.textContent = "Le texte n'a pas pu être vérifié (le service est occupé) : réessayez.";
        return;
      }
      const analysis = await answer.json();
      // An answer to an older text is dropped.
      if (ticket === asked) render(analysis);
    } catch (_) {
      status.textContent = "Le service ne répond pas : le texte n'est pas vérifié.";
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(analyse, 300);
    drawGutter(new Map());
  }

  text.addEventListener("input", later);
  text.addEventListener("scroll", () => { gutter.scrollTop = text.scrollTop; });

  document.getElementById("verifier").addEventListener("click", (event) => {
    event.preventDefault();
    analyse();
  });

  document.getElementById("formater").addEventListener("click", async (event) => {
    event.preventDefault();
    const answer = await fetch("/editeur/formater", { method: "POST", body: text.value });
    const result = await answer.json();
    if (answer.ok) {
      text.focus();
      text.select();
      // Through the editing commands where they exist, so that Ctrl+Z undoes it.
      if (!document.execCommand || !document.execCommand("insertText", false, result.texte)) {
        text.value = result.texte;
      }
      status.textContent = "Texte mis en page.";
      analyse();
    } else {
      status.textContent = `Mise en page impossible : ${result.message}.`;
    }
  });

  document.getElementById("telecharger").addEventListener("click", (event) => {
    event.preventDefault();
    const file = new Blob([text.value], { type: "text/plain;charset=utf-8" });
    const link = element("a", { href: URL.createObjectURL(file), download: "deliberation.delib" });
    document.body.append(link);
    link.click();
    link.remove();
  });

  familyForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const family = {};
    for (const control of fields.querySelectorAll("[data-nom]")) {
      const name = control.getAttribute("data-nom");
      if (control.type === "checkbox") family[name] = control.checked;
      else if (control.value.trim() !== "") family[name] = control.value.trim();
    }
    const answer = await fetch("/editeur/tarifer", {
      method: "POST",
      body: JSON.stringify({ texte: text.value, famille: family }),
    });
    const result = await answer.json();
    prices.replaceChildren();
    if (!answer.ok) {
      prices.append(element("p", {}, [result.message]));
      return;
    }
    for (const error of result.erreurs) prices.append(element("p", { class: "erreur" }, [error]));
    for (const t of result.tarifs) {
      const head = t.montant ? `${t.libelle} : ${t.montant} par ${t.unite}` : `${t.libelle} : ${t.probleme}`;
      prices.append(element("h3", {}, [head]));
      prices.append(element("ol", { class: "phrases" }, t.phrases.map((p) => element("li", {}, [p]))));
    }
  });

  curveForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await fetch(`/editeur/courbe?tarif=${curveTariff.value}`, { method: "POST", body: text.value });
    figure.replaceChildren();
    if (!answer.ok) {
      const result = await answer.json();
      figure.append(element("p", {}, [`Pas de courbe : ${result.message}.`]));
      return;
    }
    const image = await answer.blob();
    const name = curveTariff.options[curveTariff.selectedIndex].text;
    figure.append(
      element("img", { src: URL.createObjectURL(image), alt: `Courbe du tarif ${name} selon la clé de sa grille` }),
      element("figcaption", {}, [`Courbe du tarif ${name}`])
    );
  });

  document.documentElement.classList.add("vivant");
  analyse();
})();
