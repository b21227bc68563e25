#include "parallel.h"

#include <omp.h>
#include <pthread.h>

#include <atomic>

namespace fdv {

namespace {
std::atomic<int> g_threads{0};
std::atomic<bool> g_forked{false};

// libgomp's thread pool does not survive fork(): a child that enters a parallel region
// hangs.  Children therefore run serially.
void on_fork_child() { g_forked.store(true); }
const int g_atfork = pthread_atfork(nullptr, nullptr, on_fork_child);
}  // namespace

void set_num_threads(int n) { g_threads.store(n < 0 ? 0 : n); }
int get_num_threads() { return g_threads.load() > 0 ? g_threads.load() : omp_get_max_threads(); }
int max_threads() {
    if (g_forked.load()) return 1;
    int n = g_threads.load();
    return n > 0 ? n : omp_get_max_threads();
}

}  // namespace fdv
