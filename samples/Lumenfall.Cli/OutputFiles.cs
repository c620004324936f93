using Lumenfall.Sdk;

namespace Lumenfall.Cli;

/// <summary>
/// Where the CLI writes images, checked before anything is billed (<see cref="Prepare"/>), and a save that never loses
/// a paid image (<see cref="SaveAsync"/>): each image is first written to a temp file, then moved into place; when the
/// move fails, the temp file stays and the error names it.
/// </summary>
internal sealed class OutputFiles
{
    private readonly string _path;
    private readonly bool _isFolder;
    private readonly bool _overwrite;

    private OutputFiles(string path, bool isFolder, bool overwrite)
    {
        _path = path;
        _isFolder = isFolder;
        _overwrite = overwrite;
    }

    /// <summary>
    /// Checks <c>--output</c>: a folder (an existing one, one ending in a separator, or the current folder when none is
    /// given) is created if missing and must be writable; a file must not exist unless <paramref name="overwrite"/>, and
    /// its folder is created if missing and must be writable.
    /// </summary>
    /// <exception cref="CliUsageException">The output cannot be written; the message says why.</exception>
    public static OutputFiles Prepare(string? output, bool overwrite)
    {
        if (output is not null && output.Trim().Length == 0)
        {
            throw new CliUsageException("--output is empty.");
        }

        string path = output ?? ".";
        bool isFolder = output is null || Directory.Exists(path) || Path.EndsInDirectorySeparator(path);
        if (!isFolder && File.Exists(path) && !overwrite)
        {
            throw new CliUsageException($"--output {output} already exists; add --overwrite to replace it.");
        }

        string folder = isFolder ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CliUsageException($"--output {output}: the folder {folder} cannot be created ({BlockingFile(folder) ?? Reason(ex)}).");
        }

        string probe = Path.Combine(folder, $".lumenfall-{Guid.NewGuid():N}.tmp");
        try
        {
            using var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--output {output ?? "."}: the folder {folder} is not writable ({Reason(ex).Replace(probe, "a test file", StringComparison.Ordinal)}).");
        }

        return new OutputFiles(path, isFolder, overwrite);
    }

    /// <summary>
    /// Saves every image of <paramref name="result"/>: the file is named after <c>--output</c> (<c>x.png</c>,
    /// <c>x-2.png</c>, …) or, in a folder, after the model and request; its extension follows the image's real format.
    /// </summary>
    /// <returns>The files written, and one message per image that could not be put in place (naming where it is instead).</returns>
    /// <remarks>
    /// Not cancelable: the images are paid for, so a signal during the save lets it finish (a second signal ends the
    /// process, as always).
    /// </remarks>
    public async Task<(IReadOnlyList<string> Saved, IReadOnlyList<string> Failures)> SaveAsync(ImageGenerationResult result)
    {
        CancellationToken cancellationToken = CancellationToken.None;
        var saved = new List<string>();
        var failures = new List<string>();
        for (int i = 0; i < result.Images.Count; i++)
        {
            GeneratedImage image = result.Images[i];
            string where = image.Uri is { Scheme: "http" or "https" } uri ? $" from {uri}" : string.Empty;
            ImageData data;
            try
            {
                data = await image.LoadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (LumenfallException ex)
            {
                failures.Add($"image {i + 1} was generated but could not be downloaded{where}: {ex.Message}");
                continue;
            }

            string target = Target(result, i);
            string kept;
            string? temp = null;
            try
            {
                // The bytes land in a temp file first: whatever happens to the target, the paid image is on disk.
                temp = Directory.CreateTempSubdirectory("lumenfall-").FullName;
                kept = await new GeneratedImage(null, data.Bytes, data.MediaType).SaveAsync(Path.Combine(temp, Path.GetFileName(target)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                DeleteQuietly(temp);

                // No temp folder: write straight to the target, never over an existing file without --overwrite.
                try
                {
                    string direct = _isFolder || !_overwrite ? Free(target, ImageExtension(data.MediaType)) : target;
                    saved.Add(await new GeneratedImage(null, data.Bytes, data.MediaType).SaveAsync(direct, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception inner) when (inner is IOException or UnauthorizedAccessException)
                {
                    failures.Add($"image {i + 1} could not be saved to {target} ({Reason(inner)}) nor to the temp folder ({Reason(ex)}){(where.Length > 0 ? $"; it can be downloaded{where}" : string.Empty)}");
                }

                continue;
            }

            string final = Path.Combine(Path.GetDirectoryName(target) ?? string.Empty, Path.GetFileName(kept));
            if (_isFolder && !_overwrite && Path.Exists(final))
            {
                // A name the CLI chose: take the next free one rather than refuse (the service gave no unique id).
                final = Free(Path.Combine(Path.GetDirectoryName(final) ?? string.Empty, Path.GetFileNameWithoutExtension(final)), Path.GetExtension(final));
            }

            try
            {
                if (!_overwrite && Path.Exists(final))
                {
                    throw new IOException($"{final} already exists; add --overwrite to replace it");
                }

                File.Move(kept, final, _overwrite);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures.Add($"image {i + 1} could not be saved to {final} ({Reason(ex)}); it is safe in {kept}{(where.Length > 0 ? $" (and{where})" : string.Empty)}");
                continue;
            }

            saved.Add(final);
            DeleteQuietly(temp);
        }

        return (saved, failures);
    }

    /// <summary>The file for image <paramref name="index"/>, before its extension is set from the image's format.</summary>
    private string Target(ImageGenerationResult result, int index)
    {
        if (_isFolder)
        {
            string request = Slug(result.RequestId ?? "image");
            return Path.Combine(_path, $"{Slug(result.ModelId)}-{request[..Math.Min(12, request.Length)]}-{index + 1}");
        }

        return index == 0 ? _path : Path.Combine(Path.GetDirectoryName(_path) ?? string.Empty, $"{Path.GetFileNameWithoutExtension(_path)}-{index + 1}{Path.GetExtension(_path)}");
    }

    /// <summary><paramref name="stem"/> + <paramref name="extension"/>, or the first of <c>stem-2</c>, <c>stem-3</c>… that does not exist.</summary>
    private static string Free(string stem, string extension)
    {
        string path = stem + extension;
        for (int n = 2; Path.Exists(path); n++)
        {
            path = $"{stem}-{n}{extension}";
        }

        return path;
    }

    private static string ImageExtension(string? mediaType) => mediaType switch
    {
        "image/jpeg" => ".jpg",
        "image/webp" => ".webp",
        "image/gif" => ".gif",
        _ => ".png",
    };

    private static void DeleteQuietly(string? folder)
    {
        try
        {
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a leftover empty temp folder.
        }
    }

    private static string Slug(string text) => string.Concat(text.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '-'));

    /// <summary>"x is a file" when a file stands where one of <paramref name="folder"/>'s parents should be (the system only says a part of the path is missing).</summary>
    private static string? BlockingFile(string folder)
    {
        for (string? current = Path.GetFullPath(folder); !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (File.Exists(current))
            {
                return $"{current} is a file";
            }
        }

        return null;
    }

    /// <summary>The system's reason, without a trailing period, on one line.</summary>
    private static string Reason(Exception exception) => CliErrors.OneLine(exception.Message).TrimEnd('.');
}

/// <summary>Images were generated (and billed) but not all could be put where <c>--output</c> said; the message says where they are.</summary>
internal sealed class CliSaveException(string message) : Exception(message);
