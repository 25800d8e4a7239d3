// clang_shim.cpp — bpfcc_compile(): BPF C to a BPF ELF object with the Clang
// 19 C++ API, in-process. The project's only C++; its face is bpfcc.h.
//
// Why C++ at all: libclang's C API can parse but cannot emit objects. Why
// in-process rather than running clang-19: no dependence on an installed
// driver or on PATH, and no temp files (see docs/templates.md for timings).
//
// Modelled on bpftrace's clang_build.cpp: a CompilerInstance fed cc1
// arguments, an in-memory file system that is the ONLY file system (the
// source and the embedded headers live under BPFCC_INCLUDE_DIR, nothing is
// read from disk), EmitObjAction writing to a memory stream, diagnostics
// captured as text.
//
// Each compile runs in a fork()ed copy of this process (no exec, no temp
// files; the object comes back through a pipe). Two reasons:
//  - LLVM 19's BPF backend keeps CO-RE relocation globals in a static map
//    (BPFAbstractMemberAccess::GEPGlobals) that outlives the module: a
//    second compile with the same CO-RE access (every program using
//    gp_goid() on the stack ABI) reuses a freed GlobalVariable and crashes.
//  - LLVM reports some errors with report_fatal_error(), which exits; the
//    child turns those into diagnostics instead of killing gprobe.

#include "bpfcc.h"
#include "embedded.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>

namespace {

// Only the BPF backend: initialising every target costs start-up time and
// pulls nothing we use.
void init_bpf_target()
{
	static std::once_flag once;
	std::call_once(once, [] {
		LLVMInitializeBPFTargetInfo();
		LLVMInitializeBPFTarget();
		LLVMInitializeBPFTargetMC();
		LLVMInitializeBPFAsmPrinter();
	});
}

char *dup_string(const std::string &s)
{
	char *p = static_cast<char *>(std::malloc(s.size() + 1));
	if (p)
		std::memcpy(p, s.c_str(), s.size() + 1);
	return p;
}

// The headers are served both as "name.h" and, for libbpf's, as
// "bpf/name.h", so generated code may include either spelling.
void add_headers(llvm::vfs::InMemoryFileSystem &fs)
{
	const std::string dir = BPFCC_INCLUDE_DIR "/";
	for (size_t i = 0; i < gp_n_embedded_headers; i++) {
		const struct embedded_file *f = &gp_embedded_headers[i];
		llvm::StringRef data(f->data, f->len);
		// embed.cmake NUL-terminates each header, so no copy is needed.
		fs.addFile(dir + f->name, 0, llvm::MemoryBuffer::getMemBuffer(data, f->name, true));
		if (std::strncmp(f->name, "bpf_", 4) == 0)
			fs.addFile(dir + "bpf/" + f->name, 0,
				   llvm::MemoryBuffer::getMemBuffer(data, f->name, true));
	}
}

// cc1 arguments, close to what `clang -target bpf -O2 -g -c` passes, minus
// everything that would look at the host: no system or builtin include
// paths, no resource dir.
std::vector<std::string> cc1_args(const std::string &path, int opt_level, bool debug_info)
{
	std::vector<std::string> a = {
		"-triple", "bpfel", "-target-cpu", "v3", "-emit-obj",
		"-O" + std::to_string(opt_level),
		"-nostdsysteminc", "-nobuiltininc",
		"-I", BPFCC_INCLUDE_DIR,
		// As vmlinux.h would: libbpf's headers need __u32 & co. first.
		"-include", "gprobe_types.h",
		"-D__BPF__", "-D__TARGET_ARCH_x86", "-D__x86_64__",
		"-ferror-limit", "20",
		"-fgnuc-version=4.2.1", "-ffp-contract=on",
		"-Wno-unused-function", "-Wno-unused-variable",
		"-Wno-compare-distinct-pointer-types",
		"-mrelocation-model", "static",
		"-fdebug-compilation-dir=" BPFCC_INCLUDE_DIR,
		"-main-file-name", path,
		"-x", "c", path,
	};
	if (debug_info) {
		std::vector<std::string> g = {"-debug-info-kind=constructor", "-dwarf-version=5",
					      "-debugger-tuning=gdb"};
		a.insert(a.begin(), g.begin(), g.end());
	}
	return a;
}

struct result {
	int err = 0;
	std::string diag;
	llvm::SmallVector<char, 0> obj;
};

void compile(const std::string &path, const char *src, size_t len, int opt_level, bool debug_info,
	     result &r)
{
	llvm::raw_string_ostream dos(r.diag);
	llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> dopts = new clang::DiagnosticOptions();
	dopts->ShowColors = false;
	auto *printer = new clang::TextDiagnosticPrinter(dos, dopts.get());

	std::vector<std::string> args = cc1_args(path, opt_level, debug_info);
	std::vector<const char *> argv;
	for (const std::string &s : args)
		argv.push_back(s.c_str());

	auto inv = std::make_shared<clang::CompilerInvocation>();
	{
		// Argument errors are our bug, but report them rather than crash.
		clang::DiagnosticsEngine adiags(new clang::DiagnosticIDs(), dopts.get(), printer,
						false);
		if (!clang::CompilerInvocation::CreateFromArgs(*inv, argv, adiags)) {
			delete printer;
			r.err = -EINVAL;
			return;
		}
	}
	inv->getDiagnosticOpts().ShowColors = false;

	clang::CompilerInstance ci;
	ci.setInvocation(inv);
	ci.createDiagnostics(printer, true);

	llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem> fs(
		new llvm::vfs::InMemoryFileSystem());
	// Set first: addFile() resolves a relative path against it.
	fs->setCurrentWorkingDirectory(BPFCC_INCLUDE_DIR);
	add_headers(*fs);
	fs->addFile(path, 0, llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(src, len), path));
	ci.createFileManager(fs);
	// ExecuteAction prints "N errors generated" there; a library stays quiet.
	ci.setVerboseOutputStream(llvm::nulls());

	ci.setOutputStream(std::make_unique<llvm::raw_svector_ostream>(r.obj));

	llvm::LLVMContext ctx;
	clang::EmitObjAction act(&ctx);
	bool ok = ci.ExecuteAction(act);
	if (!ok || ci.getDiagnostics().hasErrorOccurred())
		r.err = -EINVAL;
	ci.clearOutputFiles(false);
}

// ---- the child: compile, send {header, object, diagnostics}, exit ----

struct wire_hdr {
	int32_t err;
	uint32_t pad;
	uint64_t objlen;
	uint64_t diaglen;
};

bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = static_cast<const char *>(buf);

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

void send_result(int fd, int err, const char *obj, size_t objlen, const std::string &diag)
{
	wire_hdr h = {err, 0, objlen, diag.size()};

	if (write_all(fd, &h, sizeof(h)) && write_all(fd, obj, objlen))
		write_all(fd, diag.data(), diag.size());
}

struct child_state {
	int fd;
	result *r;
};

// report_fatal_error() lands here in the child: report it as a diagnostic
// with whatever clang had printed so far, then leave without unwinding.
void child_fatal(void *data, const char *reason, bool)
{
	auto *cs = static_cast<child_state *>(data);
	std::string d = cs->r->diag;

	d += "error: BPF backend: ";
	d += reason ? reason : "fatal error";
	d += "\n";
	send_result(cs->fd, -EINVAL, nullptr, 0, d);
	_exit(0);
}

[[noreturn]] void run_child(int fd, const std::string &path, const char *src, size_t len,
			    int opt_level, bool debug_info)
{
	result r;
	child_state cs = {fd, &r};

	llvm::install_fatal_error_handler(child_fatal, &cs);
	compile(path, src, len, opt_level, debug_info, r);
	if (!r.err && r.obj.empty()) {
		r.err = -EINVAL;
		r.diag += "bpfcc: clang produced no object\n";
	}
	send_result(fd, r.err, r.obj.data(), r.err ? 0 : r.obj.size(), r.diag);
	_exit(0);
}

// ---- the parent: collect the child's answer ----

int read_all(int fd, std::string &out)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		out.append(buf, (size_t)n);
	}
}

// Returns the child's status as text when it did not exit normally.
std::string reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return ""; // SIGCHLD ignored by the caller: the pipe tells all
	}
	if (WIFSIGNALED(status))
		return "bpfcc: the compiler crashed (signal " + std::to_string(WTERMSIG(status)) +
		       ")\n";
	return "";
}

int parse_reply(const std::string &in, const std::string &death, void **obj, size_t *objlen,
		std::string &diag)
{
	wire_hdr h;

	if (in.size() < sizeof(h)) {
		diag = death.empty() ? "bpfcc: the compiler exited without an answer\n" : death;
		return -EINVAL;
	}
	std::memcpy(&h, in.data(), sizeof(h));
	if (h.objlen > in.size() - sizeof(h) || h.diaglen != in.size() - sizeof(h) - h.objlen) {
		diag = "bpfcc: truncated answer from the compiler\n" + death;
		return -EINVAL;
	}
	diag.assign(in.data() + sizeof(h) + h.objlen, h.diaglen);
	if (h.err)
		return h.err;
	*obj = std::malloc(h.objlen ? h.objlen : 1);
	if (!*obj)
		return -ENOMEM;
	std::memcpy(*obj, in.data() + sizeof(h), h.objlen);
	*objlen = h.objlen;
	return 0;
}

int compile_in_child(const std::string &path, const char *src, size_t len, int opt_level,
		     bool debug_info, void **obj, size_t *objlen, std::string &diag)
{
	int fds[2];
	std::string in;
	pid_t pid;
	int err;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		err = -errno;
		diag = std::string("bpfcc: pipe: ") + std::strerror(-err) + "\n";
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		diag = std::string("bpfcc: fork: ") + std::strerror(-err) + "\n";
		return err;
	}
	if (pid == 0) {
		close(fds[0]);
		run_child(fds[1], path, src, len, opt_level, debug_info);
	}
	close(fds[1]);
	err = read_all(fds[0], in);
	close(fds[0]);
	std::string death = reap(pid);
	if (err < 0) {
		diag = std::string("bpfcc: reading the compiler's answer: ") +
		       std::strerror(-err) + "\n";
		return err;
	}
	return parse_reply(in, death, obj, objlen, diag);
}

} // namespace

extern "C" int bpfcc_compile(const char *name, const char *src, size_t len,
			     const struct bpfcc_opts *opts, void **obj, size_t *objlen, char **diag)
{
	int opt_level = 2;
	bool debug_info = true;
	std::string d;
	int err;

	if (diag)
		*diag = nullptr;
	if (!src || !obj || !objlen)
		return -EINVAL;
	*obj = nullptr;
	*objlen = 0;
	if (opts && opts->sz >= offsetof(struct bpfcc_opts, opt_level) + sizeof(int))
		opt_level = opts->opt_level;
	if (opts && opts->sz >= offsetof(struct bpfcc_opts, debug_info) + sizeof(bool))
		debug_info = opts->debug_info;
	if (opt_level < 0 || opt_level > 3) {
		if (diag)
			*diag = dup_string("bpfcc: optimisation level must be 0..3");
		return -EINVAL;
	}
	// A relative name is placed in the virtual directory (the working
	// directory of the virtual file system), so diagnostics show it as given.
	std::string path = name && *name ? name : "gprobe.bpf.c";

	init_bpf_target(); // in the parent, so children inherit it for free
	err = compile_in_child(path, src, len, opt_level, debug_info, obj, objlen, d);
	if (diag && !d.empty())
		*diag = dup_string(d);
	return err;
}
