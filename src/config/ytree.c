/* The position tree: libyaml's event parser, first document only. Keeps mapping key order
 * and the 1-based line/column of every key and value; rejects syntax errors, duplicate
 * keys, non-scalar keys and aliases (libcyaml is run with CYAML_CFG_NO_ALIAS too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config_impl.h"

#define MAX_DEPTH 64

typedef struct yparse {
  yaml_parser_t parser;
  const char *file;
} yparse;

static psw_err nomem(void) {
  return psw_err_set(PSW_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
}

static psw_err syntax_error(const yparse *p, const char *path) {
  const yaml_parser_t *ps = &p->parser;
  int line = (int)ps->problem_mark.line + 1, col = (int)ps->problem_mark.column + 1;
  const char *problem = ps->problem ? ps->problem : "invalid YAML";
  if (ps->context)
    return cfg_fail_at(PSW_ERR_CONFIG, p->file, line, col, path,
                       "syntax error: %s (%s at line %d, column %d)", problem, ps->context,
                       (int)ps->context_mark.line + 1, (int)ps->context_mark.column + 1);
  return cfg_fail_at(PSW_ERR_CONFIG, p->file, line, col, path, "syntax error: %s", problem);
}

static psw_err next_event(yparse *p, yaml_event_t *ev, const char *path) {
  if (!yaml_parser_parse(&p->parser, ev))
    return syntax_error(p, path);
  return PSW_OK;
}

static ynode *node_new(ykind kind, const yaml_event_t *ev) {
  ynode *nd = calloc(1, sizeof *nd);
  if (!nd)
    return NULL;
  nd->kind = kind;
  nd->line = (int)ev->start_mark.line + 1;
  nd->col = (int)ev->start_mark.column + 1;
  return nd;
}

static int push_kid(ynode *nd, ynode *kid, int *cap) {
  int need = nd->kind == YK_MAP ? 2 * nd->n + 2 : nd->n + 1;
  if (need > *cap) {
    int ncap = *cap ? 2 * *cap : 8;
    while (ncap < need)
      ncap *= 2;
    ynode **k = realloc(nd->kid, (size_t)ncap * sizeof *k);
    if (!k)
      return -1;
    nd->kid = k;
    *cap = ncap;
  }
  nd->kid[nd->kind == YK_MAP ? 2 * nd->n : nd->n] = kid; /* a map's value comes next */
  return 0;
}

static void child_path(char *out, size_t len, const char *path, const char *key) {
  snprintf(out, len, "%s%s%s", path, path[0] ? "." : "", key);
}

/* Parse the node whose first event is *ev (consumed here); *out owns the subtree. */
static psw_err parse_node(yparse *p, yaml_event_t *ev, const char *path, int depth, ynode **out) {
  *out = NULL;
  if (depth > MAX_DEPTH) {
    psw_err e = cfg_fail_at(PSW_ERR_CONFIG, p->file, (int)ev->start_mark.line + 1,
                            (int)ev->start_mark.column + 1, path, "nesting deeper than %d levels",
                            MAX_DEPTH);
    yaml_event_delete(ev);
    return e;
  }
  switch (ev->type) {
  case YAML_SCALAR_EVENT: {
    ynode *nd = node_new(YK_SCALAR, ev);
    if (!nd)
      break;
    nd->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    nd->text = malloc(ev->data.scalar.length + 1);
    if (!nd->text) {
      free(nd);
      break;
    }
    memcpy(nd->text, ev->data.scalar.value, ev->data.scalar.length);
    nd->text[ev->data.scalar.length] = '\0';
    yaml_event_delete(ev);
    *out = nd;
    return PSW_OK;
  }
  case YAML_ALIAS_EVENT: {
    psw_err e = cfg_fail_at(PSW_ERR_CONFIG, p->file, (int)ev->start_mark.line + 1,
                            (int)ev->start_mark.column + 1, path,
                            "aliases (*%s) are not supported: write the value out",
                            (const char *)ev->data.alias.anchor);
    yaml_event_delete(ev);
    return e;
  }
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    int is_map = ev->type == YAML_MAPPING_START_EVENT;
    ynode *nd = node_new(is_map ? YK_MAP : YK_SEQ, ev);
    yaml_event_delete(ev);
    if (!nd)
      return nomem();
    int cap = 0;
    psw_err e = PSW_OK;
    for (;;) {
      yaml_event_t kev;
      if ((e = next_event(p, &kev, path)) != PSW_OK)
        break;
      if (kev.type == (is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT)) {
        yaml_event_delete(&kev);
        break;
      }
      if (!is_map) {
        char sub[256];
        snprintf(sub, sizeof sub, "%s[%d]", path, nd->n);
        ynode *item;
        if ((e = parse_node(p, &kev, sub, depth + 1, &item)) != PSW_OK)
          break;
        if (push_kid(nd, item, &cap) != 0) {
          ytree_free(item);
          e = nomem();
          break;
        }
        nd->n++;
        continue;
      }
      /* mapping: a scalar key, then its value */
      if (kev.type != YAML_SCALAR_EVENT) {
        e = cfg_fail_at(PSW_ERR_CONFIG, p->file, (int)kev.start_mark.line + 1,
                        (int)kev.start_mark.column + 1, path,
                        "mapping keys must be plain names, not %s",
                        kev.type == YAML_ALIAS_EVENT ? "aliases" : "collections");
        yaml_event_delete(&kev);
        break;
      }
      ynode *key;
      if ((e = parse_node(p, &kev, path, depth + 1, &key)) != PSW_OK)
        break;
      char sub[256];
      child_path(sub, sizeof sub, path, key->text);
      for (int i = 0; i < nd->n; ++i) {
        const ynode *prev = nd->kid[2 * i];
        if (strcmp(prev->text, key->text) == 0) {
          e = cfg_fail_at(PSW_ERR_CONFIG, p->file, key->line, key->col, sub,
                          "duplicate key (first given at line %d, column %d)", prev->line,
                          prev->col);
          break;
        }
      }
      if (e != PSW_OK || push_kid(nd, key, &cap) != 0) {
        ytree_free(key);
        if (e == PSW_OK)
          e = nomem();
        break;
      }
      nd->kid[2 * nd->n + 1] = NULL; /* counted once the value is in */
      nd->n++;
      yaml_event_t vev;
      ynode *val = NULL;
      if ((e = next_event(p, &vev, sub)) != PSW_OK ||
          (e = parse_node(p, &vev, sub, depth + 1, &val)) != PSW_OK)
        break;
      nd->kid[2 * nd->n - 1] = val;
    }
    if (e != PSW_OK) {
      ytree_free(nd);
      return e;
    }
    *out = nd;
    return PSW_OK;
  }
  default:
    break;
  }
  yaml_event_delete(ev);
  return nomem();
}

psw_err ytree_parse(const char *file, const char *text, size_t len, ynode **root) {
  *root = NULL;
  yparse p = {.file = file};
  if (!yaml_parser_initialize(&p.parser))
    return nomem();
  yaml_parser_set_input_string(&p.parser, (const unsigned char *)text, len);
  psw_err e = PSW_OK;
  yaml_event_t ev;
  /* stream start, then a document start (or the stream end of an empty file) */
  for (int k = 0; k < 2 && e == PSW_OK; ++k) {
    if ((e = next_event(&p, &ev, "")) != PSW_OK)
      break;
    yaml_event_type_t t = ev.type;
    yaml_event_delete(&ev);
    if (t == YAML_STREAM_END_EVENT) {
      yaml_parser_delete(&p.parser);
      return PSW_OK;
    }
  }
  if (e == PSW_OK && (e = next_event(&p, &ev, "")) == PSW_OK)
    e = parse_node(&p, &ev, "", 0, root);
  if (e == PSW_OK && (e = next_event(&p, &ev, "")) == PSW_OK) /* document end */
    yaml_event_delete(&ev);
  yaml_parser_delete(&p.parser);
  if (e != PSW_OK) {
    ytree_free(*root);
    *root = NULL;
  }
  return e;
}

void ytree_free(ynode *node) {
  if (!node)
    return;
  int nk = node->kind == YK_MAP ? 2 * node->n : node->kind == YK_SEQ ? node->n : 0;
  for (int i = 0; i < nk; ++i)
    ytree_free(node->kid[i]);
  free(node->kid);
  free(node->text);
  free(node);
}

const ynode *ymap_key(const ynode *map, const char *key) {
  if (!map || map->kind != YK_MAP)
    return NULL;
  for (int i = 0; i < map->n; ++i)
    if (strcmp(map->kid[2 * i]->text, key) == 0)
      return map->kid[2 * i];
  return NULL;
}

const ynode *ymap_get(const ynode *map, const char *key) {
  if (!map || map->kind != YK_MAP)
    return NULL;
  for (int i = 0; i < map->n; ++i)
    if (strcmp(map->kid[2 * i]->text, key) == 0)
      return map->kid[2 * i + 1];
  return NULL;
}
