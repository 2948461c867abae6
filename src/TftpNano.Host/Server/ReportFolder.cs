using TftpNano.Protocol;
using TftpNano.Update;

namespace TftpNano.Host.Server;

/// <summary>
/// The one folder of the served tree that write requests may reach: devices' reports, one file per
/// device id, each replaced whole.
/// </summary>
/// <remarks>
/// <para>
/// A write request is taken only for <c>FOLDER/ID</c>, with a valid device id (<see cref="StagedRollout.CheckDeviceId"/>)
/// as the name: no other folder, no sub-folder, no '..', and no name starting with '.', which
/// are the temporary files'. Every other name
/// is refused with ERROR 2, as a read-only server refuses every write.
/// </para>
/// <para>
/// A report is held in memory until its final block, then written to a temporary file beside the old
/// report, flushed to the medium and renamed over it, and the folder is synced: a report cut off
/// mid-transfer never reaches the disk, and a power cut leaves either the old report or the new one.
/// The folder holds at most <see cref="MaxReports"/> of them, so that made-up ids cannot fill the disk.
/// </para>
/// </remarks>
public sealed class ReportFolder
{
    /// <summary>The most reports the folder holds; a new device beyond them is refused with ERROR 3.</summary>
    public const int MaxReports = 10000;

    private const string TemporarySuffix = ".tmp";
    private readonly string _name;
    private readonly string _path;

    /// <summary>
    /// Takes a folder of the served tree for reports, creating it when it does not exist.
    /// </summary>
    /// <param name="root">The served folder.</param>
    /// <param name="name">The reports' folder inside it: one name, such as <c>reports</c>.</param>
    /// <exception cref="ArgumentException">The name is not a single plain folder name, or it is a link.</exception>
    public ReportFolder(string root, string name)
    {
        if (StagedRollout.CheckDeviceId(name) is { } invalid)
        {
            throw new ArgumentException($"--reports {name}: one folder name of letters, digits, '.', '_' and '-'. {invalid}");
        }

        _name = name;
        _path = Path.Combine(System.IO.Path.GetFullPath(root), name);
        Directory.CreateDirectory(_path);
        if (new DirectoryInfo(_path).LinkTarget is not null)
        {
            throw new ArgumentException($"--reports {name}: the folder is a link; reports are written to a real folder of the served tree.");
        }
    }

    /// <summary>Gets the folder's full path.</summary>
    public string FullPath => _path;

    /// <summary>
    /// Checks the name a write request asks for.
    /// </summary>
    /// <param name="requested">The request's file name.</param>
    /// <param name="deviceId">The device id it names, when taken.</param>
    /// <returns>Null when the name can be written; otherwise the ERROR to answer with.</returns>
    public (TftpErrorCode Code, string Message)? Check(string requested, out string deviceId)
    {
        deviceId = "";
        string prefix = _name + "/";
        if (!requested.StartsWith(prefix, StringComparison.Ordinal)
            || StagedRollout.CheckDeviceId(requested[prefix.Length..]) is not null
            || requested[prefix.Length] == '.')
        {
            return (TftpErrorCode.AccessViolation, $"Only {prefix}<device id> can be written.");
        }

        deviceId = requested[prefix.Length..];
        if (!File.Exists(Path.Combine(_path, deviceId)) && Directory.GetFiles(_path).Length >= MaxReports)
        {
            return (TftpErrorCode.DiskFull, $"The server holds {MaxReports} reports already.");
        }

        return null;
    }

    /// <summary>
    /// Replaces a device's report with the bytes received: a temporary file, flushed, renamed over the
    /// old report, and the folder synced.
    /// </summary>
    /// <param name="deviceId">The device id, as <see cref="Check"/> returned it.</param>
    /// <param name="content">The report's bytes.</param>
    public void Store(string deviceId, ReadOnlySpan<byte> content)
    {
        string temporary = Path.Combine(_path, $".{deviceId}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path.Combine(_path, deviceId), overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        if (OperatingSystem.IsLinux())
        {
            LinuxFiles.SyncFolder(_path);
        }
    }
}
