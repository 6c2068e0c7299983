#ifndef SHIFTDESK_CNCURSES_SHIM_H
#define SHIFTDESK_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <curses.h>
#endif
