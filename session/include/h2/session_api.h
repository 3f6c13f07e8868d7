/* session_api.h — H2_SESSION_API marks what libh2scope-session exports. The
 * library is compiled with -fvisibility=hidden, so only the declarations of
 * session.h, session_io.h and stream_state.h that carry this mark are part of
 * its ABI; the internal helpers and the passive observer stay private. The
 * exported names are listed in session/exported-symbols.txt, which a test
 * compares with the built library (docs/api.md: versioning). */
#ifndef H2_SESSION_API_H
#define H2_SESSION_API_H

#if defined(__GNUC__) || defined(__clang__)
#define H2_SESSION_API __attribute__((visibility("default")))
#else
#define H2_SESSION_API
#endif

#endif
