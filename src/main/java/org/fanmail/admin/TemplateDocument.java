package org.fanmail.admin;

import org.fanmail.request.ListTemplates;

/**
 * A list's template: its name, the text in force, and whether the list has its own text ({@code
 * custom}) or uses the default.
 */
public record TemplateDocument(String name, String text, boolean custom) {
  static TemplateDocument of(ListTemplates.Template t) {
    return new TemplateDocument(t.name(), t.text(), t.custom());
  }
}
