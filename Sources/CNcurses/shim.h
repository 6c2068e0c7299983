#ifndef SHIFTDESK_CNCURSES_SHIM_H
#define SHIFTDESK_CNCURSES_SHIM_H

/* The wide-character API (cchar_t, setcchar, mvwadd_wch, get_wch) is only
   declared when NCURSES_WIDECHAR is set before the first include. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Not visible through Glibc in Swift. */
int wcwidth(wchar_t c);
int wcswidth(const wchar_t *s, size_t n);
/* glibc's <malloc.h>: the console gives back the memory a whole load went through (issue 19). */
int malloc_trim(size_t pad);

/* Globals and macros Swift cannot import (or rejects under strict concurrency). */
static inline WINDOW *shim_stdscr(void) { return stdscr; }
static inline int shim_colors(void) { return COLORS; }
static inline int shim_color_pairs(void) { return COLOR_PAIRS; }
static inline int shim_key_f(int n) { return KEY_F(n); }
static inline int shim_get_wch(wint_t *out) { return wget_wch(stdscr, out); }
static inline void shim_timeout(int ms) { wtimeout(stdscr, ms); }

static inline attr_t shim_a_normal(void) { return A_NORMAL; }
static inline attr_t shim_a_bold(void) { return A_BOLD; }
static inline attr_t shim_a_underline(void) { return A_UNDERLINE; }
static inline attr_t shim_a_reverse(void) { return A_REVERSE; }
static inline attr_t shim_a_dim(void) { return A_DIM; }

/* Draw one grapheme (up to 5 wide chars: base plus combining marks) with
   attributes and an extended colour pair passed through setcchar's opts. */
static inline int shim_put_cell(int y, int x, const wchar_t *wchars, attr_t attrs, int pair) {
    cchar_t cell;
    int opts_pair = pair;
    if (setcchar(&cell, wchars, attrs, 0, &opts_pair) != OK) {
        return -2; /* the grapheme was rejected: caller retries with its first scalar */
    }
    return mvwadd_wch(stdscr, y, x, &cell);
}

#endif
