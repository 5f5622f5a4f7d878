export { lenet5, type LeNet5Options } from "./lenet5";
export { resnetCifar, basicBlock, type ResNetOptions } from "./resnet";
export { vitTiny, grokkingTransformer, transformerBlock, type VitOptions, type GrokkingTransformerOptions, type BlockOptions } from "./transformer";
