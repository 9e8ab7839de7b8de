package dev.limbic.data.dataset;

/** The official splits. Datasets that call the development split "val" (dair-ai) map it to {@link #DEV}. */
public enum Split {
  TRAIN,
  DEV,
  TEST
}
