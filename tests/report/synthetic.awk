# synthetic.awk — N rows shaped like the gc and sched packs' (awk -v N=1000000),
# for the speed and size check of tests/report_browser.sh. mawk prints %d
# through a 32-bit int, so times are "1700" and a zero-padded offset.
BEGIN {
	t0 = 0; split("chan receive,sleep,select,GC worker (idle)", R, ",")
	for (g = 1; g <= 50; g++)
		printf "{\"table\":\"go_create\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":0,\"gid\":%d,\"parent\":1,\"start\":\"main.worker%d\"}\n", t0 + g, g, g % 8
	for (i = 0; i < N; i++) {
		t = t0 + 100 + i * 1000; k = i % 10; g = (i * 7) % 50 + 1
		if (k < 5) printf "{\"table\":\"go_execute\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":0,\"gid\":%d,\"p\":%d,\"m\":%d,\"inherit_time\":false}\n", t, g, i % 4, i % 6
		else if (k == 5) printf "{\"table\":\"go_park\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":%d,\"reason\":\"%s\",\"reason_code\":%d}\n", t, g, R[i % 4 + 1], i % 4
		else if (k == 6) printf "{\"table\":\"go_ready\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":0,\"gid\":%d,\"waker\":1,\"next\":true}\n", t, g
		else if (k == 7) printf "{\"table\":\"alloc_span\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":0,\"pages\":%d,\"kind\":\"heap\",\"class\":%d,\"noscan\":0,\"took_ns\":%d}\n", t, i % 5 + 1, i % 68, 1000 + i % 5000
		else if (k == 8) printf "{\"table\":\"sweep\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":0,\"pages\":%d,\"took_ns\":%d}\n", t, i % 3, 500 + i % 700
		else printf "{\"table\":\"gc_trigger\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":0,\"trigger\":%d,\"heap_goal\":%d}\n", t, 4000000 + (i % 100000) * 40, 8000000 + (i % 100000) * 80
		if (i % 20000 == 10000) {
			c = int(i / 20000) + 1
			printf "{\"table\":\"gc_start\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":%d,\"trigger\":\"heap\",\"completed\":%d,\"heap_live\":%d}\n", t + 1, g, c - 1, 4000000 + c * 1000
			printf "{\"table\":\"stw_done\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":0,\"reason\":\"GC sweep termination\",\"pause_ns\":%d}\n", t + 30000, 20000 + c * 10
			printf "{\"table\":\"gc_end\",\"time_ns\":1700%015.0f,\"pid\":1,\"goid\":0,\"cycle\":%d,\"pause_ns\":%d,\"pause_total_ns\":%d,\"took_ns\":%d}\n", t + 3000000, c, 40000, c * 40000, 50000
		}
	}
}
