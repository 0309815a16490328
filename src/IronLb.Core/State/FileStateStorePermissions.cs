namespace IronLb.Core.State;

/// <summary>Keeps the single-host state folder private to its owner: the folder 0700, every file in it 0600.</summary>
/// <remarks>
/// The state holds the whole configuration IronLB runs with (addresses, peers, nodes). A folder that others may read
/// or write is refused rather than silently tightened: its wider rights were somebody's choice, and its files may
/// already have been read or replaced.
/// </remarks>
public static class FileStateStorePermissions
{
    /// <summary>The mode of the state folder: rwx for the owner only.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The mode of every file the store writes: rw for the owner only.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="directory"/> with mode 0700 (its missing parents as the umask says), or checks an existing one.</summary>
    /// <exception cref="UnauthorizedAccessException">The folder exists and its group or others have any right on it.</exception>
    public static void EnsurePrivateDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var fullPath = Path.GetFullPath(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(fullPath);
            return;
        }

        if (!Directory.Exists(fullPath))
        {
            if (Path.GetDirectoryName(fullPath) is { } parent)
            {
                Directory.CreateDirectory(parent);
            }

            // Created with its final mode (mkdir with 0700, then the umask can only narrow it): never briefly wider.
            Directory.CreateDirectory(fullPath, DirectoryMode);
            return;
        }

        var mode = File.GetUnixFileMode(fullPath);
        if ((mode & GroupOrOther) != 0)
        {
            throw new UnauthorizedAccessException(
                $"The state folder '{fullPath}' has mode {Octal(mode)}; IronLB keeps its state private and needs 0700. " +
                $"Check who could read or change it, then run: chmod 700 '{fullPath}'");
        }
    }

    /// <summary>Options that create a file with mode 0600 (the umask can only narrow it).</summary>
    internal static FileStreamOptions PrivateFile(System.IO.FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return options;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);
}
