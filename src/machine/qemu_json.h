/*
 * The JSON form of QEMU's options (-device '{"driver":...}', -blockdev,
 * -object, -netdev, -audiodev, -compat), as libvirt writes them: QEMU's JSON
 * grammar and error messages (qobject/json-lexer.c, json-parser.c: single-
 * quoted strings allowed, duplicate keys and trailing values refused), the
 * value itself read with json-c.
 */
#ifndef IOMMUSIM_MACHINE_QEMU_JSON_H
#define IOMMUSIM_MACHINE_QEMU_JSON_H

#include <stddef.h>
#include <json-c/json.h>

/*
 * Parse text as QEMU parses one JSON value from the command line.
 * Returns 0 and the value in *out (json_object_put() it), or -EINVAL with
 * QEMU's message ("JSON parse error, premature EOI", "Expecting at most one
 * JSON value", ...) in err, or -ENOMEM.
 */
int qemu_json_parse(const char *text, struct json_object **out, char *err, size_t errlen);

#endif
