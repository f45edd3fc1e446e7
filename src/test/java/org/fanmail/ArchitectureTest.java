package org.fanmail;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the package arrows of ARCHITECTURE.md one-way: stages talk through the queue, nothing
 * imports the REST layer, and the SMTP front end never resolves or delivers.
 */
@AnalyzeClasses(packages = "org.fanmail", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule nothingImportsAdmin =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.fanmail.admin..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.admin..")
          .allowEmptyShould(true);

  /** The stage template is plain Java under every stage: it knows none of them. */
  @ArchTest
  static final ArchRule stageTemplateKnowsNoStage =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.stage..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.fanmail..")
                  .and(resideOutsideOfPackages("org.fanmail.stage..", "org.fanmail.config..")))
          .allowEmptyShould(true);

  /** Receivers' TLS policies are decided from DNS and HTTPS alone: no stage, no queue. */
  @ArchTest
  static final ArchRule tlsPolicyKnowsNoStage =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.tlspolicy..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.fanmail..")
                  .and(
                      resideOutsideOfPackages(
                          "org.fanmail.tlspolicy..",
                          "org.fanmail.config..",
                          "org.fanmail.mail..",
                          "org.fanmail.stage..")))
          .allowEmptyShould(true);

  /**
   * Accounts, tokens, sessions and the login pages sit beside lists: they read list addresses and
   * use the shared value types, and know no stage.
   */
  @ArchTest
  static final ArchRule accountsKnowOnlyListsAndSharedTypes =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.account..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.fanmail..")
                  .and(
                      resideOutsideOfPackages(
                          "org.fanmail.account..",
                          "org.fanmail.config..",
                          "org.fanmail.mail..",
                          "org.fanmail.stage..",
                          "org.fanmail.list..")))
          .allowEmptyShould(true);

  /** Only delivery asks for receivers' TLS policies. */
  @ArchTest
  static final ArchRule onlyDeliveryUsesTlsPolicies =
      noClasses()
          .that()
          .resideOutsideOfPackages("org.fanmail.delivery..", "org.fanmail.tlspolicy..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.tlspolicy..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule smtpNeverDelivers =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.smtp..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.fanout..", "org.fanmail.delivery..", "org.fanmail.decorate..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule queueImportsNoStage =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.queue..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.smtp..",
              "org.fanmail.moderation..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.decorate..",
              "org.fanmail.bounce..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule moderationIsAboveOnlyListAndQueue =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.moderation..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.smtp..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.decorate..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule fanoutDoesNotSpeakSmtp =
      noClasses()
          .that()
          .resideInAnyPackage("org.fanmail.fanout..", "org.fanmail.decorate..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.fanmail.smtp..", "org.fanmail.delivery..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule listKnowsNoStage =
      noClasses()
          .that()
          .resideInAnyPackage("org.fanmail.list..", "org.fanmail.mail..", "org.fanmail.config..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.smtp..",
              "org.fanmail.moderation..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.decorate..",
              "org.fanmail.queue..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule requestStageTalksThroughTheQueue =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.request..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.smtp..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.decorate..",
              "org.fanmail.bounce..")
          .allowEmptyShould(true);

  /**
   * Traffic shaping (sites, the shaping file, site state) knows no stage: delivery asks it and
   * tells it, the REST layer reads it; its SQL is its own.
   */
  @ArchTest
  static final ArchRule shapingKnowsNoStage =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.shaping..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.fanmail..")
                  .and(
                      resideOutsideOfPackages(
                          "org.fanmail.shaping..",
                          "org.fanmail.config..",
                          "org.fanmail.mail..",
                          "org.fanmail.stage..")))
          .allowEmptyShould(true);

  /** Only delivery, the REST layer and the web admin use shaping. */
  @ArchTest
  static final ArchRule onlyDeliveryAndAdminUseShaping =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "org.fanmail.shaping..",
              "org.fanmail.delivery..",
              "org.fanmail.admin..",
              "org.fanmail.console..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.shaping..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule nothingImportsThePublicPages =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.fanmail.web..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.web..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule publicPagesUseOnlyListQueueModerationMailAndRequests =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.web..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.admin..",
              "org.fanmail.smtp..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.decorate..",
              "org.fanmail.bounce..")
          .allowEmptyShould(true);

  /** Nothing imports the web admin's pages. */
  @ArchTest
  static final ArchRule nothingImportsTheConsole =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.fanmail.console..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.console..")
          .allowEmptyShould(true);

  /**
   * The web admin calls the services and queries of the packages it shows (never the REST layer,
   * whose documents and mappers are its own, and no stage's machinery).
   */
  @ArchTest
  static final ArchRule consoleUsesServicesNotStages =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.console..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.admin..",
              "org.fanmail.web..",
              "org.fanmail.smtp..",
              "org.fanmail.auth..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.decorate..",
              "org.fanmail.tlspolicy..",
              "org.fanmail.embedded..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule bounceIsAboveOnlyListAndQueue =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.bounce..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.smtp..",
              "org.fanmail.moderation..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.decorate..")
          .allowEmptyShould(true);

  /** The bounce parser stays pure: no database, no queue, no list, no configuration. */
  @ArchTest
  static final ArchRule bounceParsingIsPure =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.bounce..")
          .and()
          .haveSimpleNameStartingWith("Bounce")
          .and()
          .haveSimpleNameNotStartingWith("BounceStage")
          .and()
          .haveSimpleNameNotStartingWith("BounceScoring")
          .and()
          .haveSimpleNameNotStartingWith("BounceQueries")
          .and()
          .haveSimpleNameNotStartingWith("BounceNotices")
          .or()
          .haveSimpleNameStartingWith("PlainTextBounce")
          .or()
          .haveSimpleNameStartingWith("DeliveryStatusFields")
          .or()
          .haveSimpleNameStartingWith("MimePart")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "java.sql..",
              "org.fanmail.queue..",
              "org.fanmail.list..",
              "org.fanmail.config..",
              "io.agroal..")
          .allowEmptyShould(true);

  /**
   * Inbound authentication answers questions about a message and nothing else: it reads DNS and the
   * DMARC record rules of {@code fanout}, and knows no stage, list or database.
   */
  @ArchTest
  static final ArchRule inboundAuthKnowsNoStage =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.auth..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.smtp..",
              "org.fanmail.moderation..",
              "org.fanmail.queue..",
              "org.fanmail.list..",
              "org.fanmail.delivery..",
              "org.fanmail.decorate..",
              "org.fanmail.request..",
              "org.fanmail.bounce..",
              "java.sql..")
          .allowEmptyShould(true);

  /** Only the SMTP intake runs the inbound checks (once per message, at the end of DATA). */
  @ArchTest
  static final ArchRule onlySmtpUsesInboundAuth =
      noClasses()
          .that()
          .resideOutsideOfPackages("org.fanmail.auth..", "org.fanmail.smtp..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.auth..")
          .allowEmptyShould(true);

  /**
   * DKIM and ARC sit below every stage: signing, sealing, verifying and the key store are used by
   * delivery (outgoing copies), the SMTP side (incoming posts) and the REST layer, and know none of
   * them.
   */
  @ArchTest
  static final ArchRule dkimKnowsNoStage =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.dkim..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.smtp..",
              "org.fanmail.moderation..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.decorate..",
              "org.fanmail.queue..",
              "org.fanmail.list..",
              "org.fanmail.bounce..",
              "org.fanmail.request..")
          .allowEmptyShould(true);

  /** Digests are written on queue, list and decorate; the fan-out delivers them like posts. */
  @ArchTest
  static final ArchRule digestIsAboveOnlyQueueListAndDecorate =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.digest..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.smtp..",
              "org.fanmail.moderation..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.bounce..",
              "org.fanmail.request..",
              "org.fanmail.web..")
          .allowEmptyShould(true);

  /**
   * Only the REST layer and the archive (which shows a message's text as digests do, through {@code
   * PlainTextParts}) import digest.
   */
  @ArchTest
  static final ArchRule onlyAdminImportsDigest =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "org.fanmail.digest..", "org.fanmail.admin..", "org.fanmail.archive..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.digest..")
          .allowEmptyShould(true);

  /**
   * The public archive (thread index, pages' reads, mbox import) stands on list, decorate's header
   * parsing and digest's text parts; no stage, no delivery, no request handling.
   */
  @ArchTest
  static final ArchRule archiveKnowsNoStage =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.archive..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.fanmail.smtp..",
              "org.fanmail.moderation..",
              "org.fanmail.fanout..",
              "org.fanmail.delivery..",
              "org.fanmail.bounce..",
              "org.fanmail.request..",
              "org.fanmail.web..",
              "org.fanmail.auth..",
              "org.fanmail.dkim..")
          .allowEmptyShould(true);

  /** Only the public pages and the REST layer (the mbox import) use the archive. */
  @ArchTest
  static final ArchRule onlyWebAndAdminUseTheArchive =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "org.fanmail.archive..", "org.fanmail.web..", "org.fanmail.admin..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.archive..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule embeddedDatabaseOnlyFromMain =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.fanmail.embedded..")
          .and()
          .doNotHaveFullyQualifiedName("org.fanmail.FanmailMain")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.embedded..")
          .allowEmptyShould(true);

  /** Migration imports translate foreign exports into list imports: only admin calls them. */
  @ArchTest
  static final ArchRule onlyAdminImportsMigrate =
      noClasses()
          .that()
          .resideOutsideOfPackages("org.fanmail.migrate..", "org.fanmail.admin..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.fanmail.migrate..")
          .allowEmptyShould(true);

  /** Migration sits on list alone (and the shared config, mail and stage). */
  @ArchTest
  static final ArchRule migrateIsAboveOnlyList =
      noClasses()
          .that()
          .resideInAPackage("org.fanmail.migrate..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.fanmail..")
                  .and(
                      resideOutsideOfPackages(
                          "org.fanmail.migrate..",
                          "org.fanmail.list..",
                          "org.fanmail.config..",
                          "org.fanmail.mail..",
                          "org.fanmail.stage..")))
          .allowEmptyShould(true);
}
