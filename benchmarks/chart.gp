# The peer comparison's chart (benchmarks/run.sh): requests per second of each peer at each
# concurrency, GET /conversation/<id> over TLS to nginx, log scale.
#     gnuplot -e "datafile='/tmp/atoms-bench/benchmarks.dat'; outfile='docs/benchmarks.png'" benchmarks/chart.gp
set terminal pngcairo size 960,540 font "sans,11" noenhanced
set output outfile
set title "Call details fetched per second (nginx over TLS on 127.0.0.1, 2 cores)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set format y "%.0s%c"
set ylabel "requests per second (log scale)"
set grid ytics
set key top right title "concurrency"
set xtics nomirror
set yrange [10:*]
plot for [col=2:*] datafile using col:xtic(1) title columnheader(col)
