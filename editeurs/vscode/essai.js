// Colours a deliberation with the grammar, through the engine of VS Code itself
// (vscode-textmate and vscode-oniguruma, from npm), and prints one line per token:
// `line<TAB>text<TAB>scopes`. Used by tests/grammaire.rs.
//   NODE_PATH=target/navigateur/node_modules node editeurs/vscode/essai.js FICHIER.delib
"use strict";
const fs = require("fs");
const path = require("path");
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
const library = oniguruma.loadWASM(wasm).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (text) => new oniguruma.OnigString(text),
}));
const registry = new textmate.Registry({
  onigLib: library,
  loadGrammar: async () => {
    const file = path.join(__dirname, "syntaxes", "tarif.tmLanguage.json");
    return textmate.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
  },
});

registry.loadGrammar("source.tarif").then((grammar) => {
  const lines = fs.readFileSync(process.argv[2], "utf8").split("\n");
  let state = textmate.INITIAL;
  lines.forEach((line, n) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const text = line.substring(token.startIndex, token.endIndex);
      if (text.trim() !== "") {
        process.stdout.write(`${n + 1}\t${text}\t${token.scopes.join(" ")}\n`);
      }
    }
    state = result.ruleStack;
  });
});
