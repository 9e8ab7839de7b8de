package dev.limbic.app;

import dev.limbic.data.DataLocator;
import dev.limbic.data.download.DatasetManifest;
import dev.limbic.data.download.Downloader;
import dev.limbic.data.download.TextProgressBar;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code limbic data where|download|list}: find the datasets, or fetch them into the user cache. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Find the datasets (--data DIR, then $LIMBIC_DATA, then ../shared/data beside the checkout, "
                + "then the user cache) or download them from their pinned public URLs with SHA-256 checks.",
        subcommands = {DataCommand.Where.class, DataCommand.Download.class, DataCommand.ListDatasets.class})
final class DataCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "where", mixinStandardHelpOptions = true,
            description = "Print where each dataset (or the named ones) is found, or why not.")
    static final class Where implements Callable<Integer> {
        @Option(names = "--data", description = "data folder to use instead of the search")
        Path data;

        @Parameters(arity = "0..*", paramLabel = "NAME", description = "datasets (default: all)")
        List<String> names;

        @Override
        public Integer call() {
            DataLocator locator = DataLocator.standard(data);
            List<String> wanted = names == null || names.isEmpty() ? DatasetManifest.builtIn().names() : names;
            int missing = 0;
            for (String name : wanted) {
                Optional<Path> dir = locator.find(name);
                if (dir.isPresent()) {
                    System.out.printf("%-16s %s%n", name, dir.get());
                } else {
                    missing++;
                    System.out.printf("%-16s not found%n", name);
                }
            }
            if (missing > 0) {
                System.out.println();
                System.out.println("Searched, in order:");
                for (DataLocator.Candidate c : locator.candidates()) {
                    System.out.println("  " + c.origin() + ": " + c.root());
                }
                System.out.println("Get the missing ones with: ./limbic data download NAME (or all), "
                        + "or point LIMBIC_DATA / --data at a folder holding them.");
            }
            return missing == 0 ? 0 : 1;
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Download datasets into the user cache (resumes partial files; verifies SHA-256).")
    static final class Download implements Callable<Integer> {
        @Option(names = "--cache", description = "target folder (default: $XDG_CACHE_HOME/limbic/data or "
                + "~/.cache/limbic/data)")
        Path cache;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "datasets to fetch, or 'all'")
        List<String> names;

        @Override
        public Integer call() throws Exception {
            Path root = cache != null ? cache : DataLocator.standard(null).cacheRoot();
            Downloader downloader = Downloader.create();
            List<String> wanted = names.contains("all") ? downloader.manifest().names() : names;
            for (String name : wanted) {
                Path dir = downloader.download(name, root, TextProgressBar.forStandardError());
                System.out.println(name + ": " + dir);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the known datasets and licences.")
    static final class ListDatasets implements Callable<Integer> {
        @Override
        public Integer call() {
            for (DatasetManifest.DatasetSpec d : DatasetManifest.builtIn().datasets().values()) {
                long bytes = d.files().stream().mapToLong(f -> f.size()).sum();
                System.out.printf("%-16s %6.1f MB  %-28s %s%n", d.name(), bytes / 1e6, d.license(), d.description());
            }
            return 0;
        }
    }
}
