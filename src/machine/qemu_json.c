/*
 * QEMU's command-line JSON (qobject_from_json): its lexer decides what is a
 * token (a bad one is "stray"), its streamer hands over one complete value
 * (anything after it: "Expecting at most one JSON value"), its parser
 * reports the first grammar error. Only when the text passes do we build the
 * value, with json-c, from a normalized copy (QEMU accepts 'single quotes',
 * json-c's strict mode does not).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/qemu_json.h"

enum tok_type {
	T_LCURLY, T_RCURLY, T_LSQUARE, T_RSQUARE, T_COLON, T_COMMA,
	T_INTEGER, T_FLOAT, T_STRING, T_KEYWORD, T_ERROR,
};

struct tok {
	enum tok_type type;
	size_t start, len;	/* in the input */
};

struct lexer {
	const char *s;
	size_t n;
	struct tok *toks;
	size_t ntoks, cap;
};

static int push(struct lexer *lx, enum tok_type t, size_t start, size_t len)
{
	if (lx->ntoks == lx->cap) {
		size_t cap = lx->cap ? lx->cap * 2 : 32;
		struct tok *n = realloc(lx->toks, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		lx->toks = n;
		lx->cap = cap;
	}
	lx->toks[lx->ntoks++] = (struct tok){ t, start, len };
	return 0;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/*
 * json-lexer.c's state machine, as far as it decides token boundaries and
 * errors: an error token holds what was read of the token plus the byte that
 * did not fit (at the end of the input: what was read). Lexing stops at the
 * first error, which is the only one QEMU reports.
 */
static int lex(struct lexer *lx)
{
	const char *s = lx->s;
	size_t i = 0, n = lx->n;

	while (i < n) {
		char c = s[i];
		size_t st = i;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			i++;
			continue;
		}
		if (strchr("{}[]:,", c)) {
			static const enum tok_type t[] = { T_LCURLY, T_RCURLY, T_LSQUARE, T_RSQUARE,
							   T_COLON, T_COMMA };
			int r = push(lx, t[strchr("{}[]:,", c) - "{}[]:,"], i, 1);

			if (r)
				return r;
			i++;
			continue;
		}
		if (c == '"' || c == '\'') {
			for (i++; i < n && s[i] != c; i++) {
				unsigned char b = (unsigned char)s[i];

				if (b < 0x20 || b >= 0xfe)
					return push(lx, T_ERROR, st, i + 1 - st);
				if (b == '\\') {
					if (++i >= n)
						break;
					b = (unsigned char)s[i];
					if (b < 0x20 || b >= 0xfe)
						return push(lx, T_ERROR, st, i + 1 - st);
				}
			}
			if (i >= n)
				return push(lx, T_ERROR, st, n - st);
			i++;
			if (push(lx, T_STRING, st, i - st))
				return -ENOMEM;
			continue;
		}
		if (c >= 'a' && c <= 'z') {
			while (i < n && s[i] >= 'a' && s[i] <= 'z')
				i++;
			if (push(lx, T_KEYWORD, st, i - st))
				return -ENOMEM;
			continue;
		}
		if (c == '-' || is_digit(c)) {
			bool is_float = false;

			if (c == '-') {
				i++;
				if (i >= n)
					return push(lx, T_ERROR, st, i - st);
				if (!is_digit(s[i]))
					return push(lx, T_ERROR, st, i + 1 - st);
			}
			if (s[i] == '0') {
				i++;
				if (i < n && is_digit(s[i]))
					return push(lx, T_ERROR, st, i + 1 - st);
			} else {
				while (i < n && is_digit(s[i]))
					i++;
			}
			if (i < n && s[i] == '.') {
				is_float = true;
				i++;
				if (i >= n)
					return push(lx, T_ERROR, st, i - st);
				if (!is_digit(s[i]))
					return push(lx, T_ERROR, st, i + 1 - st);
				while (i < n && is_digit(s[i]))
					i++;
			}
			if (i < n && (s[i] == 'e' || s[i] == 'E')) {
				is_float = true;
				i++;
				if (i < n && (s[i] == '+' || s[i] == '-'))
					i++;
				if (i >= n)
					return push(lx, T_ERROR, st, i - st);
				if (!is_digit(s[i]))
					return push(lx, T_ERROR, st, i + 1 - st);
				while (i < n && is_digit(s[i]))
					i++;
			}
			if (push(lx, is_float ? T_FLOAT : T_INTEGER, st, i - st))
				return -ENOMEM;
			continue;
		}
		/* anything else starts no token */
		return push(lx, T_ERROR, st, 1);
	}
	return 0;
}

struct parser {
	const struct lexer *lx;
	size_t pos, end;	/* tokens of the value being parsed */
	char *err;
	size_t errlen;
	bool failed;
	char *norm;		/* the value re-written for json-c */
	size_t nlen, ncap;
};

static void perr(struct parser *p, const char *fmt, const char *arg)
{
	char msg[256];

	if (p->failed)
		return;	/* the first error is the one QEMU reports */
	p->failed = true;
	snprintf(msg, sizeof(msg), fmt, arg);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "JSON parse error, %s", msg);
}

static int emit(struct parser *p, const char *s, size_t len)
{
	if (p->nlen + len + 1 > p->ncap) {
		size_t cap = (p->nlen + len + 1) * 2;
		char *n = realloc(p->norm, cap);

		if (!n)
			return -ENOMEM;
		p->norm = n;
		p->ncap = cap;
	}
	memcpy(p->norm + p->nlen, s, len);
	p->nlen += len;
	p->norm[p->nlen] = '\0';
	return 0;
}

static const struct tok *peek(struct parser *p)
{
	return p->pos < p->end ? &p->lx->toks[p->pos] : NULL;
}

static const struct tok *pop(struct parser *p)
{
	return p->pos < p->end ? &p->lx->toks[p->pos++] : NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int cvt4hex(const char *s, size_t avail)
{
	int v = 0;

	if (avail < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* UTF-8 of a code point (at most 4 bytes; a key buffer has room: 6+ input bytes per escape) */
static size_t utf8_put(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * A string token: its escapes checked as parse_string() checks them, and
 * re-written double-quoted into the normalized text. The decoded key (for
 * the duplicate check) goes to *key when asked for.
 */
static int string_token(struct parser *p, const struct tok *t, char **key)
{
	const char *s = p->lx->s + t->start;
	size_t i = 1, last = t->len - 1;
	char *k = NULL;
	size_t kn = 0;
	int ret = 0;

	if (key) {
		k = malloc(t->len + 1);
		if (!k)
			return -ENOMEM;
	}
	ret = emit(p, "\"", 1);
	while (!ret && i < last) {
		char c = s[i];

		if (c != '\\') {
			if (c == '"')
				ret = emit(p, "\\\"", 2);
			else
				ret = emit(p, &c, 1);
			if (k)
				k[kn++] = c;
			i++;
			continue;
		}
		c = s[i + 1];
		switch (c) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			ret = emit(p, s + i, 2);
			if (k)
				k[kn++] = c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n' :
					  c == 'r' ? '\r' : c == 't' ? '\t' : c;
			i += 2;
			break;
		case '\'':
			ret = emit(p, "'", 1);
			if (k)
				k[kn++] = '\'';
			i += 2;
			break;
		case 'u': {
			int cp = cvt4hex(s + i + 2, last - (i + 2));
			size_t adv = 6;

			/* a surrogate pair is two escapes */
			if (cp >= 0xd800 && cp <= 0xdbff && i + 12 <= last && s[i + 6] == '\\' &&
			    s[i + 7] == 'u') {
				int lo = cvt4hex(s + i + 8, last - (i + 8));

				if (lo >= 0xdc00 && lo <= 0xdfff)
					adv = 12;
				else
					cp = -1;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				cp = -1;
			}
			if (cp < 0) {
				char what[64];
				size_t w = last + 1 - i < 6 ? last + 1 - i : 6;

				snprintf(what, sizeof(what), "%.*s", (int)w, s + i);
				perr(p, "%s is not a valid Unicode character", what);
				free(k);
				return 0;
			}
			ret = emit(p, s + i, adv);
			if (k) {
				if (adv == 12)
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (cvt4hex(s + i + 8, 4) - 0xdc00);
				kn += utf8_put(k + kn, (unsigned)cp);
			}
			i += adv;
			break;
		}
		default:
			perr(p, "%s", "invalid escape sequence in string");
			free(k);
			return 0;
		}
	}
	if (!ret)
		ret = emit(p, "\"", 1);
	if (ret || !key) {
		free(k);
		return ret;
	}
	k[kn] = '\0';
	*key = k;
	return 0;
}

static int parse_value(struct parser *p);

/* the keys seen in one object, for "duplicate key" */
struct keyset {
	char **k;
	size_t n;
};

static bool keyset_has(const struct keyset *ks, const char *k)
{
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->k[i], k))
			return true;
	return false;
}

static void keyset_free(struct keyset *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->k[i]);
	free(ks->k);
}

static int parse_pair(struct parser *p, struct keyset *ks)
{
	const struct tok *t = peek(p);
	char *key = NULL;
	int ret;

	if (!t) {
		perr(p, "%s", "premature EOI");
		return 0;
	}
	if (t->type != T_STRING) {
		/* a value that is no string (or no value at all) */
		size_t before = p->nlen;

		ret = parse_value(p);
		if (ret)
			return ret;
		p->nlen = before;
		perr(p, "%s", "key is not a string in object");
		return 0;
	}
	pop(p);
	ret = string_token(p, t, &key);
	if (ret || p->failed)
		return ret;
	t = pop(p);
	if (!t) {
		free(key);
		perr(p, "%s", "premature EOI");
		return 0;
	}
	if (t->type != T_COLON) {
		free(key);
		perr(p, "%s", "missing : in object pair");
		return 0;
	}
	ret = emit(p, ":", 1);
	if (!ret)
		ret = parse_value(p);
	if (ret || p->failed) {
		free(key);
		perr(p, "%s", "Missing value in dict");
		return ret;
	}
	if (keyset_has(ks, key)) {
		free(key);
		perr(p, "%s", "duplicate key");
		return 0;
	}
	{
		char **n = realloc(ks->k, (ks->n + 1) * sizeof(*n));

		if (!n) {
			free(key);
			return -ENOMEM;
		}
		ks->k = n;
		ks->k[ks->n++] = key;
	}
	return 0;
}

static int parse_object(struct parser *p)
{
	struct keyset ks = { 0 };
	const struct tok *t;
	int ret = emit(p, "{", 1);

	pop(p);
	if (ret)
		return ret;
	t = peek(p);
	if (!t) {
		perr(p, "%s", "premature EOI");
		return 0;
	}
	if (t->type == T_RCURLY) {
		pop(p);
		return emit(p, "}", 1);
	}
	ret = parse_pair(p, &ks);
	while (!ret && !p->failed) {
		t = pop(p);
		if (!t) {
			perr(p, "%s", "premature EOI");
			break;
		}
		if (t->type == T_RCURLY) {
			ret = emit(p, "}", 1);
			break;
		}
		if (t->type != T_COMMA) {
			perr(p, "%s", "expected separator in dict");
			break;
		}
		ret = emit(p, ",", 1);
		if (!ret)
			ret = parse_pair(p, &ks);
	}
	keyset_free(&ks);
	return ret;
}

static int parse_array(struct parser *p)
{
	const struct tok *t;
	int ret = emit(p, "[", 1);

	pop(p);
	if (ret)
		return ret;
	t = peek(p);
	if (!t) {
		perr(p, "%s", "premature EOI");
		return 0;
	}
	if (t->type == T_RSQUARE) {
		pop(p);
		return emit(p, "]", 1);
	}
	ret = parse_value(p);
	if (!ret && p->failed)
		perr(p, "%s", "expecting value");
	while (!ret && !p->failed) {
		t = pop(p);
		if (!t) {
			perr(p, "%s", "premature EOI");
			break;
		}
		if (t->type == T_RSQUARE) {
			ret = emit(p, "]", 1);
			break;
		}
		if (t->type != T_COMMA) {
			perr(p, "%s", "expected separator in list");
			break;
		}
		ret = emit(p, ",", 1);
		if (!ret)
			ret = parse_value(p);
	}
	return ret;
}

static int parse_value(struct parser *p)
{
	const struct tok *t = peek(p);
	const char *s;

	if (!t) {
		perr(p, "%s", "premature EOI");
		return 0;
	}
	s = p->lx->s + t->start;
	switch (t->type) {
	case T_LCURLY:
		return parse_object(p);
	case T_LSQUARE:
		return parse_array(p);
	case T_STRING:
		pop(p);
		return string_token(p, t, NULL);
	case T_INTEGER:
	case T_FLOAT:
		pop(p);
		return emit(p, s, t->len);
	case T_KEYWORD:
		pop(p);
		if ((t->len == 4 && !strncmp(s, "true", 4)) || (t->len == 5 && !strncmp(s, "false", 5)) ||
		    (t->len == 4 && !strncmp(s, "null", 4)))
			return emit(p, s, t->len);
		{
			char kw[128];

			snprintf(kw, sizeof(kw), "%.*s", (int)(t->len < 100 ? t->len : 100), s);
			perr(p, "invalid keyword '%s'", kw);
		}
		return 0;
	default:
		perr(p, "%s", "expecting value");
		return 0;
	}
}

int qemu_json_parse(const char *text, struct json_object **out, char *err, size_t errlen)
{
	struct lexer lx = { .s = text, .n = strlen(text) };
	struct parser p = { .lx = &lx, .err = err, .errlen = errlen };
	size_t depth = 0, i;
	bool have_end = false, second = false;
	int ret;

	*out = NULL;
	ret = lex(&lx);
	if (ret) {
		free(lx.toks);
		return ret;
	}
	/*
	 * json-streamer.c: tokens gather until the braces and brackets balance;
	 * a lexer error ends everything where it stands; a token after the
	 * first complete value is a second value.
	 */
	for (i = 0; i < lx.ntoks; i++) {
		const struct tok *t = &lx.toks[i];

		if (have_end) {
			second = true;
			break;
		}
		if (t->type == T_ERROR) {
			if (err && errlen)
				snprintf(err, errlen, "JSON parse error, stray '%.*s'", (int)t->len,
					 text + t->start);
			free(lx.toks);
			return -EINVAL;
		}
		if (t->type == T_LCURLY || t->type == T_LSQUARE)
			depth++;
		else if ((t->type == T_RCURLY || t->type == T_RSQUARE) && depth)
			depth--;
		if (!depth) {
			/* this value is complete: parse it now, as the streamer does */
			p.pos = 0;
			p.end = i + 1;
			ret = parse_value(&p);
			if (!ret && !p.failed && p.pos < p.end) {
				second = true;
				break;
			}
			if (ret || p.failed)
				break;
			have_end = true;
		}
	}
	if (second) {
		if (err && errlen)
			snprintf(err, errlen, "Expecting at most one JSON value");
		free(lx.toks);
		free(p.norm);
		return -EINVAL;
	}
	if (!ret && !p.failed && !have_end) {
		/* the input ended inside a value (or held none) */
		p.pos = 0;
		p.end = lx.ntoks;
		if (!lx.ntoks)
			perr(&p, "%s", "premature EOI");
		else
			ret = parse_value(&p);
		if (!ret && !p.failed)
			perr(&p, "%s", "premature EOI");
	}
	free(lx.toks);
	if (ret || p.failed) {
		free(p.norm);
		return ret ? ret : -EINVAL;
	}
	{
		struct json_tokener *tk = json_tokener_new();
		struct json_object *o;

		if (!tk) {
			free(p.norm);
			return -ENOMEM;
		}
		json_tokener_set_flags(tk, JSON_TOKENER_STRICT);
		o = json_tokener_parse_ex(tk, p.norm, (int)p.nlen);
		if (!o && json_tokener_get_error(tk) != json_tokener_success) {
			/* QEMU took it, json-c did not: say which, not a QEMU message */
			if (err && errlen)
				snprintf(err, errlen, "JSON value not readable: %s",
					 json_tokener_error_desc(json_tokener_get_error(tk)));
			json_tokener_free(tk);
			free(p.norm);
			return -EINVAL;
		}
		json_tokener_free(tk);
		free(p.norm);
		*out = o;	/* NULL for a JSON null */
		return 0;
	}
}
