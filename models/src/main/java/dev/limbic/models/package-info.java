/** Pretrained encoders (BERT/RoBERTa, MiniLM) and the emotion models built from {@code nn} layers. */
package dev.limbic.models;
