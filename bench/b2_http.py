"""Measure 2: POST /api/v1/debits under `clc-ledger serve` (gunicorn, 2 workers) with 16
concurrent clients, vs the trivial GET /api/v1/health of the same server in the same run.
Target: throughput ratio debit / health >= 0.3, zero errors; p95 latency reported.

The clients are threads of this process keeping one connection each (gunicorn's sync
workers close it after each response, so each request opens a new one, for both
endpoints alike). Each of the 16 clients is the member of its own company (no approval
needed: each request posts a debit and enqueues its two emails).

The details also give what the target needs (0.3 x health's rate) beside what the service
layer alone does, with no HTTP at all, in one process and in two at once: the bound that no
change to the server or the endpoint can pass.
"""
import http.client
import json
import multiprocessing
import os
from pathlib import Path
import queue as queue_module
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date

from bench import common

TARGET = 0.3


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _load(port, clients, seconds, request_for):
    """Run `clients` threads for `seconds`; (requests, errors, latencies)."""
    latencies, errors, lock = [], [], threading.Lock()
    stop = time.monotonic() + seconds

    def client(n):
        mine, bad = [], []
        while time.monotonic() < stop:
            method, path, body, headers = request_for(n)
            start = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status >= 300:
                    bad.append(response.status)
            except OSError as error:
                bad.append(repr(error))
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), time.perf_counter() - began, errors, latencies


class CpuMeter:
    """Where the machine's CPU went during a load run (Linux /proc; empty elsewhere): the
    server's processes, local PostgreSQL processes and this client, in ms per request, and
    the share of the machine left idle. It says why a ratio is what it is."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, server_pid):
        self.server_pid = server_pid
        self.available = Path("/proc/stat").exists()

    def _process(self, pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None, 0.0
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / self.TICK

    def sample(self):
        if not self.available:
            return None
        groups = {"server": 0.0, "postgres": 0.0, "client": self._process(os.getpid())[1]}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            parent, seconds = self._process(entry.name)
            if int(entry.name) == self.server_pid or parent == self.server_pid:
                groups["server"] += seconds
            else:
                try:
                    command = (entry / "cmdline").read_bytes().split(b"\0")[0]
                except OSError:
                    continue
                if command.startswith(b"postgres") or command.endswith(b"/postgres"):
                    groups["postgres"] += seconds
        cpu = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        groups["idle"], groups["total"] = int(cpu[3]) / self.TICK, sum(map(int, cpu)) / self.TICK
        return groups

    @staticmethod
    def per_request(name, before, after, requests):
        """{name_server_cpu_ms: ..., name_idle_pct: ...} between two samples."""
        if before is None or not requests:
            return {}
        spent = {k: after[k] - before[k] for k in before}
        figures = {f"{name}_{k}_cpu_ms": round(spent[k] / requests * 1000, 2)
                   for k in ("server", "postgres", "client") if spent[k] or k != "postgres"}
        figures[f"{name}_idle_pct"] = round(100 * spent["idle"] / spent["total"], 1) if spent["total"] else None
        return figures


def _service_worker(out, url, requester_ids, start_at, seconds, queue):
    """One process debiting through the service layer alone (no HTTP, no Flask request):
    from `start_at` for `seconds`; puts (debits, CPU seconds) on `queue`."""
    common.OUT = Path(out)
    from clc_ledger.extensions import db
    from clc_ledger.ledger.debits import request_debit

    app = common.open_app(url)
    with app.app_context():
        def debit(n):
            request_debit(requester_id=requester_ids[n % len(requester_ids)], amount=100, category="exam_voucher",
                          description="Exam voucher")
            db.session.remove()

        debit(0)  # connected, statements compiled
        time.sleep(max(0.0, start_at - time.time()))
        count, cpu, stop = 0, time.process_time(), start_at + seconds
        while time.time() < stop:
            debit(count)
            count += 1
        queue.put((count, time.process_time() - cpu))
    common.dispose(app)


def service_alone(url, requester_ids, processes, seconds):
    """Debits/s and CPU ms per debit of the service layer alone in `processes` processes at
    once: what the HTTP endpoint could reach if HTTP, authentication and the response cost
    nothing. On SQLite the processes queue for the one write lock, as the server's do."""
    context = multiprocessing.get_context("spawn")
    # Time for every process to start up (import, create the app, one debit): on a loaded
    # machine two processes starting at once took over 3 s, and a worker that starts after
    # its window closed reports nothing done.
    queue, start_at = context.Queue(), time.time() + 10.0
    workers = [context.Process(target=_service_worker,
                               args=(str(common.OUT), url, requester_ids[k::processes], start_at, seconds, queue))
               for k in range(processes)]
    for worker in workers:
        worker.start()
    try:
        reports = [queue.get(timeout=120) for _ in workers]
    except queue_module.Empty:
        raise RuntimeError("a service-alone process reported nothing: see its traceback above") from None
    for worker in workers:
        worker.join(timeout=30)
    debits, cpu = sum(count for count, _ in reports), sum(spent for _, spent in reports)
    return debits / seconds, (cpu / debits * 1000 if debits else None)


def _p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values[0] if values else 0)


def run(size="small", kinds=None, runs=None):
    from clc_ledger.accounts.services import issue_token
    from clc_ledger.extensions import db

    clients = common.pick(size, 2, 16, 16)
    seconds = common.pick(size, 1.0, 3.0, 10.0)
    runs = runs or common.pick(size, 1, 3, 5)
    results = []
    for kind in common.databases(kinds):
        app = common.make_app(kind, "b2_http")
        with app.app_context():
            ids = common.add_companies(clients)
            common.add_active_sales_orders([common.NewSalesOrder(cid, 10_000_000_00, date(2099, 1, 1 + n))
                                            for cid in ids for n in range(3)])
            members = [common.users_of(cid)["member"] for cid in ids]
            tokens = [issue_token(member)[0] for member in members]
            url = db.engine.url.render_as_string(hide_password=False)
            common.analyze()
        common.dispose(app)
        port = _free_port()
        env = dict(os.environ, CLC_DATABASE_URL=url, CLC_SECRET_KEY="bench-secret",
                   CLC_INSTANCE_PATH=str(common.OUT / "instance"), CLC_BASE_URL=f"http://127.0.0.1:{port}",
                   PYTHONPATH=os.pathsep.join([str(common.ROOT.parent), os.environ.get("PYTHONPATH", "")]))
        server = subprocess.Popen(
            [sys.executable, "-c", "from clc_ledger.cli import main; main()", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", "2"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=common.OUT)
        try:
            _wait(port)
            body = json.dumps({"amount": "1.00", "category": "exam_voucher", "description": "Exam voucher"})

            def debit(n):
                return "POST", "/api/v1/debits", body, {"Authorization": f"Bearer {tokens[n]}",
                                                        "Content-Type": "application/json"}

            def health(_n):
                return "GET", "/api/v1/health", None, {}

            _load(port, clients, min(1.0, seconds), health)  # warm both workers
            _load(port, clients, min(1.0, seconds), debit)
            ratios, debit_rates, health_rates, p95s, health_p95s, all_errors = [], [], [], [], [], []
            meter, cpu = CpuMeter(server.pid), {}
            for _ in range(runs):
                before = meter.sample()
                count_d, span_d, errors_d, latencies_d = _load(port, clients, seconds, debit)
                middle = meter.sample()
                count_h, span_h, errors_h, latencies_h = _load(port, clients, seconds, health)
                cpu = {**meter.per_request("debit", before, middle, count_d),  # the last run's
                       **meter.per_request("health", middle, meter.sample(), count_h)}
                debit_rates.append(count_d / span_d)
                health_rates.append(count_h / span_h)
                ratios.append(debit_rates[-1] / health_rates[-1])
                p95s.append(_p95(latencies_d) * 1000)
                health_p95s.append(_p95(latencies_h) * 1000)
                all_errors += errors_d + errors_h
        finally:
            server.terminate()
            server.wait(timeout=30)
        alone = {}
        for processes in (1, 2):
            rate, cpu_ms = service_alone(url, members, processes, min(seconds, 3.0))
            alone[f"service_alone_{processes}proc_debits_per_s"] = rate
            alone[f"service_alone_{processes}proc_cpu_ms"] = round(cpu_ms, 2) if cpu_ms else None
        stat = common.Stat(ratios)
        results.append(common.Result(
            "2", "HTTP debit vs health, 2 workers (throughput ratio)", kind,
            f"{clients} clients, {seconds:g} s per endpoint x {runs} runs", stat, "", f">= {TARGET}, 0 errors",
            stat.median >= TARGET and not all_errors,
            {"debits_per_s": common.Stat(debit_rates).median, "health_per_s": common.Stat(health_rates).median,
             "debit_p95_ms": common.Stat(p95s).median, "health_p95_ms": common.Stat(health_p95s).median,
             "errors": len(all_errors), "first_errors": [str(e) for e in all_errors[:3]], **cpu,
             "needed_debits_per_s": TARGET * common.Stat(health_rates).median, **alone}))
    return results


def main(argv=None):
    common.command_line(run, argv)


if __name__ == "__main__":
    main()
