using Watchtower.Tests.Support;

namespace Watchtower.Tests.HouseStyle;

/// <summary>
/// The house style the .editorconfig cannot state: one type per file, named after it, and no file or method so long that a
/// newcomer cannot read it in one sitting (DESIGN.md: no method in src/ over about 80 lines, no file over about 650).
/// </summary>
public sealed class HouseStyleTests
{
    private const int MaxFileLines = 650;
    private const int MaxMethodLines = 80;

    public static TheoryData<string> SourceFolders => new() { "src", "tests", "samples", "benchmarks" };

    [Theory]
    [MemberData(nameof(SourceFolders))]
    public void EveryFile_DeclaresOneType_NamedAsTheFile(string folder)
    {
        var wrong = new List<string>();
        foreach (string file in SourceFiles(folder))
        {
            IReadOnlyList<string> types = SourceShape.TopLevelTypes(File.ReadAllText(file));
            string expected = Path.GetFileNameWithoutExtension(file);
            bool isProgram = expected == "Program" && types.Count == 0; // top-level statements
            if (!isProgram && !(types.Count == 1 && types[0] == expected))
            {
                wrong.Add($"{Relative(file)}: {(types.Count == 0 ? "no type" : string.Join(", ", types))}");
            }
        }

        Assert.True(wrong.Count == 0, "One type per file, named as the file:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void NoSourceFile_IsLongerThanTheLimit()
    {
        string[] tooLong = SourceFiles("src")
            .Select(f => (File: f, Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > MaxFileLines)
            .Select(f => $"{Relative(f.File)}: {f.Lines} lines")
            .ToArray();

        Assert.True(tooLong.Length == 0, $"Files in src/ over {MaxFileLines} lines:\n" + string.Join('\n', tooLong));
    }

    [Fact]
    public void NoSourceMethod_IsLongerThanTheLimit()
    {
        string[] tooLong = SourceFiles("src")
            .SelectMany(f => SourceShape.MemberBodies(File.ReadAllText(f)).Select(m => (File: f, m.Member, m.Lines)))
            .Where(m => m.Lines > MaxMethodLines)
            .Select(m => $"{Relative(m.File)}: {m.Lines} lines: {m.Member}")
            .ToArray();

        Assert.True(tooLong.Length == 0, $"Methods in src/ over {MaxMethodLines} lines:\n" + string.Join('\n', tooLong));
    }

    [Fact]
    public void TheReader_SeesTypesAndMethodsAsTheyAre()
    {
        // The checks above pass only if the reader finds what is there: prove it on code that breaks each rule.
        const string Sample = """
            namespace Sample;

            internal sealed class First
            {
                public int Short(int x)
                {
                    return x;
                }

                private static async Task<int> Wrapped<T>(
                    T value)
                    where T : class
                {
                    if (value is null)
                    {
                        return 0;
                    }

                    return 1;
                }
            }

            public readonly record struct Second(int X);

            internal enum Third
            {
                A,
            }
            """;

        Assert.Equal(["First", "Second", "Third"], SourceShape.TopLevelTypes(Sample));
        Assert.Equal([("public int Short(int x)", 4), ("private static async Task<int> Wrapped<T>(", 11)], SourceShape.MemberBodies(Sample));
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Relative(string file) => Path.GetRelativePath(RepositoryRoot.Path, file);
}
