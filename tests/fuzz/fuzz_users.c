/*
 * fuzz_users.c - libFuzzer target: the text of a users file through the
 * parser auth_users_load() uses, with its promises about errors checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpd/policy/users_file.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - parse; a refusal names the file, else users */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 path[] = "/etc/smsrelay/users";
	struct auth_users	*u = (struct auth_users *)1;
	char			 err[512];
	size_t			 lines = 1, i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	err[0] = '\0';
	if (auth_users_parse((const char *)data, size, path, &u, err,
	    sizeof(err)) == 0) {
		/* at most one user a line, and nothing said */
		if (u == NULL || auth_users_count(u) > lines || err[0] != '\0')
			abort();
		auth_users_free(u);
	} else if (u != NULL || strncmp(err, path, sizeof(path) - 1) != 0 ||
	    err[sizeof(path) - 1] != ':' || strnlen(err, sizeof(err)) ==
	    sizeof(err))
		abort();
	return 0;
}
