using System.Globalization;
using BackgroundTasks;

namespace ConsoleWorker.Jobs;

/// <summary>A recurring job: reports the free space of the drive that holds the jobs' file.</summary>
internal sealed class DiskSpaceJob : IJob<DiskSpaceArgs, string>
{
    public Task<string> RunAsync(DiskSpaceArgs args, JobContext context)
    {
        var drive = new DriveInfo(Path.GetPathRoot(Path.GetFullPath(args.Folder))!);
        return Task.FromResult(string.Create(CultureInfo.InvariantCulture, $"{drive.AvailableFreeSpace / (1024.0 * 1024 * 1024):N1} GB free on {drive.Name}"));
    }
}
