namespace Watchtower.Tests.Support;

/// <summary>The repository's root folder (where Watchtower.slnx is), found from the test assembly's folder.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "Watchtower.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Watchtower.slnx above {AppContext.BaseDirectory}.");
    }
}
