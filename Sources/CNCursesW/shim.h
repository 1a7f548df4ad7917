// A tiny C face for ncursesw: the macros, globals and signal plumbing Swift cannot import directly.
#ifndef QLORA_TUTOR_CNCURSESW_SHIM_H
#define QLORA_TUTOR_CNCURSESW_SHIM_H

// SwiftPM drops the -D flags pkg-config reports, so the wide-character API is switched on here.
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

// Swift 6 rejects mutable C globals as shared state; read them through functions.
static inline WINDOW *qt_stdscr(void) { return stdscr; }
static inline WINDOW *qt_curscr(void) { return curscr; }
static inline int qt_lines(void) { return LINES; }
static inline int qt_cols(void) { return COLS; }
static inline int qt_colors(void) { return COLORS; }
static inline int qt_color_pairs(void) { return COLOR_PAIRS; }

// Attribute bits are built by a macro (NCURSES_BITS) that does not import.
static inline attr_t qt_attr_bold(void) { return A_BOLD; }
static inline attr_t qt_attr_dim(void) { return A_DIM; }
static inline attr_t qt_attr_italic(void) { return A_ITALIC; }
static inline attr_t qt_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t qt_attr_reverse(void) { return A_REVERSE; }

// Mouse masks are built by NCURSES_MOUSE_MASK, which does not import either.
static inline mmask_t qt_mouse_wheel_up(void) { return BUTTON4_PRESSED; }
static inline mmask_t qt_mouse_wheel_down(void) { return BUTTON5_PRESSED; }
static inline mmask_t qt_mouse_click(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED; }
static inline mmask_t qt_mouse_wanted(void) { return qt_mouse_wheel_up() | qt_mouse_wheel_down() | BUTTON1_CLICKED | BUTTON1_PRESSED; }

/// Starts curses on the process's own terminal; NULL instead of exiting when the terminal is unusable.
static inline SCREEN *qt_newterm(void) { return newterm(NULL, stdout, stdin); }

/// A terminfo string capability, or NULL when the terminal lacks it.
static inline const char *qt_terminfo_string(const char *name) {
    char *value = tigetstr(name);
    return (value == NULL || value == (char *)-1) ? NULL : value;
}

/// Reads one mouse event: its position and button state; 0 when there was none.
static inline int qt_get_mouse(int *x, int *y, mmask_t *buttons) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    *buttons = event.bstate;
    return 1;
}

/// Picks the user's locale, falling back to a UTF-8 one so wide characters draw; returns 1 when the codeset is UTF-8.
static inline int qt_setlocale_utf8(void) {
    setlocale(LC_ALL, "");
    const char *candidates[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8"};
    for (unsigned i = 0; strcmp(nl_langinfo(CODESET), "UTF-8") != 0 && i < 3; i++) {
        setlocale(LC_CTYPE, candidates[i]);
    }
    return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/// Draws one character cell with a foreground and background colour (-1 is the terminal's default).
///
/// `alloc_pair` hands out colour pairs on demand, so a heatmap may use any (fg, bg) combination
/// the terminal has pairs for; the pair goes through setcchar's `opts` to allow numbers past 32767.
static inline int qt_put_cell(int y, int x, wchar_t character, attr_t attributes, int foreground, int background) {
    int pair = alloc_pair(foreground, background);
    if (pair < 0) pair = 0;
    wchar_t text[2] = {character, 0};
    cchar_t cell;
    setcchar(&cell, text, attributes, 0, &pair);
    return mvadd_wch(y, x, &cell);
}

// Restoring the terminal from a signal handler. Only async-signal-safe calls (write, tcsetattr,
// signal, raise) run inside the handler, besides the previous handler it chains to. The state lives in a static of this header, so every
// qt_restore_* function must be called from one Swift file (TerminalRestore.swift).
struct qt_restore_state {
    struct termios saved_termios;
    int saved_termios_valid;
    char reset_bytes[512];
    size_t reset_length;
    struct sigaction previous_actions[NSIG];
};

// A function-local static: the importer emits it with the function, once per object file.
static inline struct qt_restore_state *qt_restore_state(void) {
    static struct qt_restore_state state;
    return &state;
}

/// Remembers the terminal's modes before curses changes them.
static inline void qt_restore_save_modes(void) {
    qt_restore_state()->saved_termios_valid = tcgetattr(STDIN_FILENO, &qt_restore_state()->saved_termios) == 0;
}

/// Puts the terminal back: reset sequences to standard output, then the saved modes.
static inline void qt_restore_now(void) {
    size_t written = 0;
    while (written < qt_restore_state()->reset_length) {
        ssize_t n = write(STDOUT_FILENO, qt_restore_state()->reset_bytes + written, qt_restore_state()->reset_length - written);
        if (n <= 0) break;
        written += (size_t)n;
    }
    if (qt_restore_state()->saved_termios_valid) tcsetattr(STDIN_FILENO, TCSANOW, &qt_restore_state()->saved_termios);
}

static inline void qt_restore_signal_handler(int signal_number, siginfo_t *info, void *context) {
    qt_restore_now();
    // Let whoever handled the signal before run first (Swift's backtracer prints on the restored
    // screen instead of inside the curses one), then die of the signal with its default action.
    // The signal is blocked while this handler runs, so the raised one arrives when it returns.
    struct sigaction previous = qt_restore_state()->previous_actions[signal_number];
    if (previous.sa_flags & SA_SIGINFO) {
        if (previous.sa_sigaction != NULL) previous.sa_sigaction(signal_number, info, context);
    } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler != NULL) {
        previous.sa_handler(signal_number);
    }
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

/// Sets the bytes that leave curses mode (terminfo's strings once curses has read them).
static inline void qt_restore_set_reset_bytes(const char *reset, size_t length) {
    size_t kept = length < sizeof qt_restore_state()->reset_bytes ? length : sizeof qt_restore_state()->reset_bytes;
    qt_restore_state()->reset_length = 0;
    memcpy(qt_restore_state()->reset_bytes, reset, kept);
    qt_restore_state()->reset_length = kept;
}

/// Installs the handler for the given signals, keeping the previous actions to chain to.
static inline void qt_restore_install(const int *signals, int count) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = qt_restore_signal_handler;
    // On the alternate stack where there is one, so a stack overflow can still restore the terminal.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < count; i++) {
        if (signals[i] > 0 && signals[i] < NSIG) sigaction(signals[i], &action, &qt_restore_state()->previous_actions[signals[i]]);
    }
}

/// Puts back the handlers that were there before `qt_restore_install`.
static inline void qt_restore_uninstall(const int *signals, int count) {
    for (int i = 0; i < count; i++) {
        if (signals[i] > 0 && signals[i] < NSIG) sigaction(signals[i], &qt_restore_state()->previous_actions[signals[i]], NULL);
    }
}

#endif
