namespace Watchtower.Tests.Support;

/// <summary>Where a sample that runs as its own process was built: its own output folder, in the tests' configuration.</summary>
internal static class SampleBuild
{
    public static string Dll(string project, string assembly)
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<configuration>/net10.0
        return Path.Combine(RepositoryRoot.Path, "samples", project, "bin", configuration, "net10.0", assembly + ".dll");
    }
}
