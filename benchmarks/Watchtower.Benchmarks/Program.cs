using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Watchtower.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Watchtower.Benchmarks.LogCallBenchmarks).Assembly).Run(args);
