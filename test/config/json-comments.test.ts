import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blankJsonExtensions } from '../../src/config/json-comments.js';
import { describeJsonError, parseSettingsJson } from '../../src/config/settings-json.js';
import { failOnOk } from './result-helpers.js';

void describe('blankJsonExtensions', () => {
  void it('blanks comments and trailing commas, keeping length and line breaks', () => {
    const text = '{ // note\n "a": [1, 2, ], /* x\n y */ "b": 3,\n}';
    const blanked = blankJsonExtensions(text);
    assert.equal(blanked.length, text.length);
    assert.equal(blanked.split('\n').length, text.split('\n').length);
    assert.deepEqual(JSON.parse(blanked), { a: [1, 2], b: 3 });
  });

  void it('leaves comment-like text and commas inside strings alone', () => {
    const text = '{ "url": "postgres://u:p@h/db", "c": "/* no */", "d": "a,]", "e": "quote \\" // still string" }';
    assert.equal(blankJsonExtensions(text), text);
  });

  void it('leaves an unterminated block comment for JSON.parse to refuse', () => {
    assert.throws(() => JSON.parse(blankJsonExtensions('{ "a": 1 /* open')) as unknown);
  });
});

void describe('parseSettingsJson', () => {
  void it('keeps a connection string with "//" intact', () => {
    const layer = parseSettingsJson('x.json', '{ "MediatorJobs": { "StorageConnectionString": "postgres://u:p@h/db" } }')._unsafeUnwrap();
    assert.equal(layer.get('StorageConnectionString')?.value, 'postgres://u:p@h/db');
  });

  void it('gives the parse error with a line and column, without quoting the file', () => {
    const text = '{\n  "MediatorJobs": { "StorageConnectionString": "postgres://u:secret@h/db" x }\n}';
    const error = parseSettingsJson('/app/appsettings.json', text).match(failOnOk, (e) => e);
    assert.equal(error.kind, 'InvalidFile');
    assert.match(error.message, /^Settings file \/app\/appsettings\.json is invalid: it is not valid JSON: /);
    assert.doesNotMatch(error.message, /secret/);
  });

  void it('drops the piece of the file V8 quotes in some messages', () => {
    const cause = new SyntaxError('Unexpected token \'x\', "...u:secret@h/db" x }..." is not valid JSON');
    assert.equal(describeJsonError(cause, ''), "Unexpected token 'x' (not valid JSON)");
    // The form V8 uses when the piece starts inside the file: the dots come before the quote.
    const inside = new SyntaxError('Unexpected token \'p\', ..."nString": postgres:/"... is not valid JSON');
    assert.equal(describeJsonError(inside, ''), "Unexpected token 'p' (not valid JSON)");
  });

  void it('adds line and column when V8 gives a position', () => {
    const message = describeJsonError(new SyntaxError('Unexpected token in JSON at position 4'), 'ab\ncdef');
    assert.equal(message, 'Unexpected token in JSON at position 4 (line 2, column 2)');
  });
});
