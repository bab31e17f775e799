"""The catalogue of problem codes, by level: what each means, how to fix it, and whether it is an error or
a warning. Codes are stable: never rename one, add a new one.
"""

from __future__ import annotations

from dataclasses import dataclass


# Validation levels, in the order they run (as Universal Dependencies' validate.py does). A file that
# fails a level is not checked at later levels: their errors would be noise.
PARSE, SCHEMA, REFERENCES, CONTENT = 1, 2, 3, 4
# Level 5 is not a file check: what `newsclaims build` needs beyond a valid corpus (splits, changelog).
BUILD = 5
# Level 6 is not a check of the corpus either: what `newsclaims import` and `export` report about another
# format's files (what they cannot carry, what they refuse), with the source file and its line or pointer.
INTEROP = 6
# Level 7 is not a corpus check either: what `newsclaims publish` needs before a release (and what
# `build` warns about when a release is coming to be wrong).
RELEASE = 7
LEVEL_NAMES = {PARSE: "parse", SCHEMA: "schema", REFERENCES: "references", CONTENT: "content", BUILD: "build", INTEROP: "interop",
               RELEASE: "release"}


# Severities: an error makes `validate` fail and refuses a build; a warning is reported and does neither.
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Code:
    level: int
    title: str
    hint: str
    severity: str = ERROR


# code -> (level, what it means, how to fix it). Codes are stable: never rename one, add a new one.
CATALOGUE: dict[str, Code] = {
    # level 1: parse (bytes, encoding, JSON/TOML syntax)
    "file-empty": Code(PARSE, "The file is empty.", "Write the file's content, or delete the file."),
    "file-too-large": Code(PARSE, "The file is larger than the limit for its kind.", "Split the document, or check that the right file was added (limits: docs/errors.md)."),
    "file-unreadable": Code(PARSE, "The file cannot be read (permissions, a folder, a broken link).", "Check that the path is a regular, readable file inside the corpus."),
    "encoding-not-utf8": Code(PARSE, "The file is not valid UTF-8.", "Re-save the file as UTF-8 (not Latin-1 or Windows-1252)."),
    "encoding-bom": Code(PARSE, "The file starts with a byte order mark (BOM).", "Re-save the file as UTF-8 without BOM."),
    "text-crlf": Code(PARSE, "The file has CR or CRLF line endings.", "Convert line endings to LF (e.g. `dos2unix FILE`); offsets are counted on LF text."),
    "text-not-nfc": Code(PARSE, "The text is not in Unicode normalisation form NFC.", "Normalise the text to NFC (Python: unicodedata.normalize('NFC', text)) before annotating; offsets count NFC code points."),
    "text-control-char": Code(PARSE, "The text holds a control character (NUL, escape...) other than newline and tab.", "Remove the control character; it is never part of a published article."),
    "text-bidi-control": Code(PARSE, "The text holds a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069): spans around it display in another order than their code points.",
                              "Remove the control character unless the article really needs it (right-to-left text displays without it); check the spans near it.", WARNING),
    "json-invalid": Code(PARSE, "The file is not valid JSON.", "Fix the syntax at the line and column shown (a missing comma or quote, a trailing comma, NaN)."),
    "json-duplicate-key": Code(PARSE, "An object has the same key twice; JSON parsers keep only one of them.", "Remove or rename one of the two keys."),
    "json-too-deep": Code(PARSE, "The JSON nests deeper than the limit.", "Annotation files are at most a few levels deep: check the file's structure (limits: docs/errors.md)."),
    "json-too-many-values": Code(PARSE, "The JSON holds more values (objects, arrays, strings, numbers) than the limit; it is refused before parsing.", "Check that the right file was added; split a document whose annotation really is this large (limits: docs/errors.md)."),
    "toml-invalid": Code(PARSE, "corpus.toml is not valid TOML.", "Fix the TOML syntax at the line shown."),
    # level 2: schema (JSON Schema draft 2020-12, schema/*.schema.json)
    "schema-required": Code(SCHEMA, "A required field is missing.", "Add the field; write null where the schema allows a value to be unknown."),
    "schema-unknown-field": Code(SCHEMA, "A field that the schema does not define.", "Remove the field or fix its spelling; the allowed fields are listed in schema/."),
    "schema-enum": Code(SCHEMA, "A label outside its closed vocabulary.", "Use one of the allowed values (their definitions are in corpus/GUIDELINES.md)."),
    "schema-type": Code(SCHEMA, "A value of the wrong JSON type.", "Write a value of the type shown (e.g. a number without quotes, true/false, null)."),
    "schema-pattern": Code(SCHEMA, "A string that does not have the required form.", "Write the value in the form shown (ids like e1/m1/c1, lowercase hex sha256, YYYY-MM-DD dates)."),
    "schema-range": Code(SCHEMA, "A number, string or list outside its allowed size.", "Bring the value within the limits shown."),
    "schema-unique-items": Code(SCHEMA, "A list that must not repeat an item repeats one.", "Remove the repeated item."),
    "schema-invalid": Code(SCHEMA, "The value breaks another schema rule.", "Read the message and the schema at the pointer shown."),
    "span-not-anchored": Code(SCHEMA, "A span written by its quote has no offsets yet (or keeps prefix/suffix/occurrence), or an entity, mention or claim has no id.", "Run `newsclaims anchor FILE`: it fills start/end from each quote and the ids left out, and removes the helpers."),
    "doc-id-invalid": Code(SCHEMA, "doc_id is not a slug (it may hold path characters such as '/' or '..').", "Use 3-81 characters from a-z, 0-9 and '-', starting with a letter or digit."),
    # level 3: references (ids, cross-file links, file pairing)
    "duplicate-id": Code(REFERENCES, "Two items share an id.", "Give each entity, mention, claim (or source) its own id."),
    "unknown-entity": Code(REFERENCES, "`about` names an entity id that the file does not define.", "Use the id of an entity of this file, or add the entity."),
    "unknown-source": Code(REFERENCES, "A source id that corpus/sources.json does not define.", "Use an id from corpus/sources.json ('author' for the document's author), or add the source there."),
    "doc-id-mismatch": Code(REFERENCES, "The annotation file's name differs from its doc_id.", "Rename the file to corpus/annotations/<doc_id>.json, or fix doc_id."),
    "missing-document": Code(REFERENCES, "An annotation file has no document text.", "Add corpus/documents/<doc_id>.txt with the article text, or remove the annotation."),
    "missing-annotation": Code(REFERENCES, "A document text has no annotation file.", "Add corpus/annotations/<doc_id>.json (see corpus/GUIDELINES.md), or remove the text."),
    "annotator-mismatch": Code(REFERENCES, "An annotator's reading (corpus/annotators/<doc_id>/<annotator>.json) does not list exactly that annotator.", "Set annotation.annotators to [\"<annotator>\"], the file's name."),
    "adjudication-unresolved": Code(REFERENCES, "The readings of this document disagree on a label that no person has settled yet (an item of `unresolved`, left by `newsclaims adjudicate --write`).", "Decide the label: set it in the file as it should be (see each reading's value), then delete the item from `unresolved`; delete `unresolved` when it is empty."),
    "unexpected-file": Code(REFERENCES, "A file in corpus/ that is not part of the corpus layout.", "Remove it, or name it <doc_id>.txt in documents/ or <doc_id>.json in annotations/."),
    # level 4: content (the labels against the text)
    "text-sha256-mismatch": Code(CONTENT, "text_sha256 does not match the document text: the text changed after annotation.", "Check every span against the new text, then set text_sha256 to the value shown."),
    "quote-not-found": Code(CONTENT, "A span's quote (with its prefix, suffix or occurrence) is not in the document text.", "Copy the quote from the document exactly, and fix or remove prefix/suffix/occurrence; the message lists where the quote does occur."),
    "quote-ambiguous": Code(CONTENT, "A span's quote occurs more than once and nothing says which occurrence is meant.", "Add \"occurrence\": N (1 = the first) or a \"prefix\"/\"suffix\" (the words just before/after); the message lists each occurrence."),
    "span-out-of-range": Code(CONTENT, "A span ends past the end of the document text.", "Fix the offsets: they count Unicode code points, end-exclusive."),
    "span-invalid-range": Code(CONTENT, "A span's start is not before its end.", "Set start < end (end is exclusive)."),
    "span-text-mismatch": Code(CONTENT, "A span's text differs from the document at its offsets.", "Fix the offsets or the text so that text == document[start:end] (offsets count code points, not bytes)."),
    "span-whitespace": Code(CONTENT, "A span starts or ends on whitespace.", "Trim the span: move start/end so the span begins and ends on a visible character."),
    "mention-duplicate": Code(CONTENT, "Two mentions cover the same offsets.", "Keep one mention of the span, in the entity it belongs to."),
    "hedge-mismatch": Code(CONTENT, "`hedged` disagrees with `hedge_cues`.", "Set hedged to true exactly when hedge_cues lists at least one cue."),
    "attribution-mismatch": Code(CONTENT, "Attribution mode and source disagree.", "Use mode 'authorial' with source_id 'author' and no cue or source_span; any other source needs another mode."),
    # level 4, the guideline's rules (validation/guideline.py; each rule with its code: problems/rules.py, GUIDELINES.md section 5)
    "span-final-punctuation": Code(CONTENT, "A claim, cue or source span ends on its sentence's final punctuation (. ! ?).", "Move end before the punctuation (the hint gives the offsets and text): spans leave out the final full stop.", WARNING),
    "mention-possessive": Code(CONTENT, "A mention ends on a possessive 's.", "Move end before the 's (the hint gives the offsets and text): in \"Israel's\" the mention is `Israel`.", WARNING),
    "mention-overlap": Code(CONTENT, "Two mentions overlap (without covering the same offsets): mentions never overlap.", "Keep the longest name as one mention and delete the other; \"IDF/IAF\" is two mentions side by side.", WARNING),
    "mention-order": Code(CONTENT, "An entity's mentions are not listed in reading order.", "Sort the entity's mentions by start (their ids stay), or run `newsclaims validate --fix`.", WARNING),
    "claim-question": Code(CONTENT, "A claim is a question (its sentence ends on '?').", "Delete the claim, or annotate the answer the text gives: questions are not claims.", WARNING),
    "claim-overlap": Code(CONTENT, "Two claims overlap and neither holds the other: claims nest or stay apart.", "Make one claim hold the other (a nested claim), or end one before the other starts.", WARNING),
    "check-worthy-mismatch": Code(CONTENT, "An opinion or a prediction is marked check_worthy.", "Set check_worthy to false, or fix claim_type: only factual claims are check-worthy.", WARNING),
    "hedge-cue-outside": Code(CONTENT, "A hedge cue is neither inside its claim's span nor next to it.", "Give the cue the offsets of the marker inside the claim, or remove it from this claim.", WARNING),
    "hedge-cue-certainty": Code(CONTENT, "A hedge cue is a certainty marker (\"clearly\", \"of course\") or the conditional of an expectation (\"would\").", "Remove the cue, and set hedged to false when no cue is left.", WARNING),
    "about-order": Code(CONTENT, "A claim's `about` is not in entity id order.", "Sort about by entity id (e2 before e10), or run `newsclaims validate --fix`.", WARNING),
    "about-missing-entity": Code(CONTENT, "An entity has a mention inside a claim's span, and the claim's `about` does not list it.", "Add the entity's id to about, in id order (the hint gives the list).", WARNING),
    "attribution-quote-marks": Code(CONTENT, "A direct_quote claim that is not between quotation marks, or a mixed claim whose span holds none.", "Use mode 'indirect' for a paraphrase; 'direct_quote' is the words between quotation marks, 'mixed' a paraphrase holding a quoted fragment.", WARNING),
    "split-ratios-sum": Code(CONTENT, "The split ratios in corpus.toml do not add up to 1.", "Make train + validation + test equal 1."),
    # level 5: build (checked by `newsclaims build` on a valid corpus)
    "splits-missing": Code(BUILD, "corpus/splits.json is missing or unreadable.", "Run `newsclaims split` to assign every document to a split, and commit corpus/splits.json."),
    "split-unassigned": Code(BUILD, "A document of the corpus has no split in corpus/splits.json.", "Run `newsclaims split`: it assigns new documents without moving existing ones."),
    "split-stale": Code(BUILD, "corpus/splits.json disagrees with the corpus: a document it lists is gone, or the salt or ratios differ from corpus.toml.", "Run `newsclaims split` (removed documents), or `newsclaims split --reshuffle` if the salt or ratios were changed on purpose."),
    "changelog-missing-version": Code(BUILD, "CHANGELOG.md has no section for the dataset version being built.", "Add a '## <version>' section to CHANGELOG.md saying what changed in this version."),
    # level 6: interop (`newsclaims import` / `export`: another format's files; docs/formats.md)
    "import-unreadable": Code(INTEROP, "A source file cannot be read or parsed (not UTF-8, invalid JSON, not a file).", "Check that the path is the tool's export, saved as UTF-8; fix the syntax at the line shown."),
    "import-shape": Code(INTEROP, "A source file or line does not have the form of its format.", "Export again from the tool, or fix the line shown to the format's syntax (docs/formats.md)."),
    "import-label-unmapped": Code(INTEROP, "A label of the source has no mapping to an entity type, a claim type or a span role.", "Add the line shown to a mapping file and pass it with --mapping, or pass --unmapped skip to import the rest."),
    "import-source-unmapped": Code(INTEROP, "A claim's source (a source span's text or a source choice) is not a source of corpus/sources.json.", "Add the line shown under [sources] in a mapping file (the value an id of corpus/sources.json), or add the source to corpus/sources.json."),
    "import-span-mismatch": Code(INTEROP, "A span's offsets do not give back the text the source records for it.", "Export again from the tool (the text was edited after annotation), or fix the offsets or the quote at the place shown."),
    "import-doc-id-collision": Code(INTEROP, "Two source documents give the same doc_id, or an imported doc_id is already in the output folder.", "Rename one of the source files (or tasks), import into another --out, or pass --force to replace the output's files."),
    "import-no-text": Code(INTEROP, "A task or result without the text it annotates (no text in the task's data, no value.text); skipped.", "Export with the texts (Label Studio: JSON, not JSON-MIN without text), or add the text field.", WARNING),
    "import-text-url": Code(INTEROP, "A task's text is a URL (s3://, azure-blob://, http...) rather than the text itself; skipped.", "Export the project with the texts inlined (Label Studio: the task data holding the text), or import the texts first.", WARNING),
    "import-result-type": Code(INTEROP, "A result type that has no place in our schema (textarea, rating, a region of an image...); skipped.", "Nothing to fix if the result is not needed; else map its content by hand (docs/formats.md).", WARNING),
    "import-discontinuous": Code(INTEROP, "A discontinuous span (brat `T6 Task 400 436;437 453`): our spans are one stretch of text; skipped.", "Annotate one continuous span (or one mention per fragment) in the tool, then import again.", WARNING),
    "import-event": Code(INTEROP, "An event (brat E line): our schema has no events; skipped (its trigger span is kept only if its type is mapped).", "Nothing to fix if events are not needed; model the event's assertion as a claim to keep it.", WARNING),
    "import-attribute-dropped": Code(INTEROP, "An attribute (brat A/M, a Label Studio choice) with no target field in our schema; skipped.", "Map the attribute name under [attributes] in the mapping file, or ignore the warning.", WARNING),
    "import-relation-dropped": Code(INTEROP, "A relation whose type has no meaning in our schema, or whose ends are not a claim and its source, cue or entity; skipped.", "Map the relation label under [relations] (source, about, cue, hedge, same) in the mapping file, or ignore the warning.", WARNING),
    "import-note-dropped": Code(INTEROP, "A note, a normalisation to another database than Wikidata, or a comment with no field in our schema; skipped.", "Nothing to fix: only `Wikidata:Q...` normalisations set an entity's `wikidata`.", WARNING),
    "import-label-skipped": Code(INTEROP, "A span whose label has no mapping, skipped as --unmapped skip asked.", "Add a mapping for the label (docs/formats.md) to import it.", WARNING),
    "import-span-adjusted": Code(INTEROP, "A span was changed to meet the corpus rules: trimmed of surrounding whitespace, or a duplicate (same offsets) dropped.", "Nothing to fix: check the span in the imported file if the tool's span mattered.", WARNING),
    "import-text-normalised": Code(INTEROP, "A text was brought to the corpus rules (BOM removed, CRLF/CR to LF, NFC) and its offsets remapped.", "Nothing to fix: the imported text is what the corpus stores; the source's offsets were moved with it.", WARNING),
    "export-not-carried": Code(INTEROP, "A field the target format cannot carry (listed in docs/formats.md); left out of the export.", "Nothing to fix: keep the corpus as the source of truth for that field.", WARNING),
    # level 7: release (checked by `newsclaims publish`; the first also by `build`, as a warning)
    "release-version-unchanged": Code(RELEASE, "The corpus changed since the last release tag, but `version` in corpus/corpus.toml is still that release's: this build rewrites data/ as a version already published.",
                                      "Bump `version` in corpus/corpus.toml (patch for corrections, minor for added documents or labels), add its '## <version>' section to CHANGELOG.md, then build again.", WARNING),
    "publish-version-unchanged": Code(RELEASE, "The corpus changed since the last release tag, but `version` in corpus/corpus.toml is still that release's: publishing would give two different datasets the same version.",
                                      "Bump `version` in corpus/corpus.toml, add its '## <version>' section to CHANGELOG.md, run `newsclaims build`, commit, then publish."),
    "publish-tag-exists": Code(RELEASE, "The release tag v<version> already exists (in the git repository or on the Hub): that version is published.",
                               "Bump `version` in corpus/corpus.toml and add its CHANGELOG.md section for a new release; never move a published tag."),
    "publish-data-stale": Code(RELEASE, "data/ differs from what `newsclaims build` makes of the committed corpus now.",
                               "Run `newsclaims build`, commit data/, then publish."),
    "publish-verify-failed": Code(RELEASE, "data/ does not match its own manifest.json (`newsclaims verify` fails): a file was edited, added or removed after the build.",
                                  "Run `newsclaims build` to rewrite data/ (never edit it by hand), commit it, then publish."),
    "publish-uncommitted": Code(RELEASE, "corpus/, schema/ or data/ has changes that are not committed: the release would hold what no commit does.",
                                "Commit the changes (or `git stash` them), then publish: the release tag must name a commit that holds exactly what was uploaded."),
    "publish-no-token": Code(RELEASE, "No Hugging Face token: the upload cannot authenticate.",
                             "Set HF_TOKEN to a token with write access (https://huggingface.co/settings/tokens), or run `hf auth login`; `--dry-run` needs none."),
}
