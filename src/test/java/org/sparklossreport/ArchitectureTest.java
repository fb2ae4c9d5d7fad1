package org.sparklossreport;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.Architectures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packages' layering (docs/ARCHITECTURE.md, "Layers"), checked on the compiled main classes: no
 * package cycle, and no package importing one of a higher layer. Packages on one line of {@link #LAYERS}
 * are peers and may not import each other either. The benchmarks ({@code bench}, src/bench/java) compile
 * with the tests, not into the main classes: a {@code bench} package among them fails
 * {@link #everyMainPackageHasALayer}.
 */
class ArchitectureTest {
  /** Lowest first; each package may import only packages of the lines above it. */
  static final List<List<String>> LAYERS = List.of(
      List.of("core"),
      List.of("losses"),
      List.of("gates"),
      List.of("html", "state", "spec"),
      List.of("engine"),
      List.of("engine.compiled", "engine.aggregator"),
      List.of("engine.columnar", "sql"),
      List.of("functions", "report"),
      List.of("history"),
      List.of("output"),
      List.of("api"),
      List.of("stream"),
      List.of("cli", "sql.report"),
      List.of("job"));

  private static final String ROOT = "org.sparklossreport";

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
      .importPackages(ROOT);

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void eachPackageImportsOnlyLowerLayers() {
    layered().check(MAIN);
  }

  @Test
  void everyMainPackageHasALayer() {
    List<String> named = new ArrayList<>();
    LAYERS.forEach(named::addAll);
    List<String> missing = MAIN.stream().map(c -> c.getPackageName())
        .filter(p -> p.startsWith(ROOT + ".")).map(p -> p.substring(ROOT.length() + 1))
        .filter(p -> !named.contains(p)).distinct().sorted().toList();
    org.junit.jupiter.api.Assertions.assertEquals(List.of(), missing,
        "packages without a layer in ArchitectureTest.LAYERS (and docs/ARCHITECTURE.md)");
  }

  /** One layer per package; a package may access the packages of every lower line. */
  static LayeredArchitecture layered() {
    LayeredArchitecture arch = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (List<String> line : LAYERS) {
      for (String p : line) {
        arch = arch.layer(p).definedBy(ROOT + "." + p);
      }
    }
    List<String> below = new ArrayList<>();
    for (List<String> line : LAYERS) {
      for (String p : line) {
        arch = below.isEmpty() ? arch.whereLayer(p).mayNotAccessAnyLayer()
            : arch.whereLayer(p).mayOnlyAccessLayers(below.toArray(String[]::new));
      }
      below.addAll(line);
    }
    return arch;
  }
}
